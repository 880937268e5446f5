//! Open enums: a string enum that keeps values it does not know.
//!
//! Providers add enum values over time (a new email event, a new domain status). A closed Rust
//! enum would fail the whole reply on the first new value, so `cargo xtask generate` turns every
//! string enum of a spec into an [`open_enum!`](macro@crate::open_enum) type with an `Unknown(String)`
//! variant that keeps the raw value.

/// Defines an open string enum. Used by generated code.
///
/// ```
/// portico::open_enum! {
///     /// Where a domain's mail is handled.
///     pub enum Region {
///         /// `us-east-1`
///         UsEast1 = "us-east-1",
///         /// `eu-west-1`
///         EuWest1 = "eu-west-1",
///     }
/// }
///
/// let known: Region = serde_json::from_str("\"eu-west-1\"").unwrap();
/// assert_eq!(known, Region::EuWest1);
/// let new: Region = serde_json::from_str("\"ap-south-9\"").unwrap();
/// assert_eq!(new, Region::Unknown("ap-south-9".into()));
/// assert_eq!(new.as_str(), "ap-south-9");
/// assert_eq!(serde_json::to_string(&new).unwrap(), "\"ap-south-9\"");
/// ```
///
/// A variant may carry a description (`=> "text"`), readable with `description()`; values sent as
/// JSON numbers are read as their decimal text, so numeric codes work too:
///
/// ```
/// portico::open_enum! {
///     /// Why a message failed.
///     pub enum FailureCode {
///         /// `1002`
///         BadRecipient = "1002" => "The recipient number is malformed.",
///     }
/// }
///
/// let code: FailureCode = serde_json::from_str("1002").unwrap();
/// assert_eq!(code, FailureCode::BadRecipient);
/// assert_eq!(code.description(), Some("The recipient number is malformed."));
/// let other: FailureCode = serde_json::from_str("4711").unwrap();
/// assert_eq!(other.as_str(), "4711");
/// assert_eq!(other.description(), None);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal $(=> $description:literal)?, )*
        }
    ) => {
        $(#[$meta])*
        ///
        /// Open: a value this version does not know is kept in `Unknown`, so new server values
        /// never fail a reply.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know yet, exactly as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value this version knows, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Unknown(value) => value,
                }
            }

            /// What the provider documents this value to mean, when the spec says.
            pub fn description(&self) -> ::std::option::Option<&'static str> {
                match self {
                    $( $name::$variant => {
                        let description: ::std::option::Option<&'static str> = ::std::option::Option::None;
                        $( let description = ::std::option::Option::Some($description); )?
                        description
                    } )*
                    $name::Unknown(_) => ::std::option::Option::None,
                }
            }

            /// Whether this is a value this version of the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => $name::$variant, )*
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => $name::$variant, )*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = $crate::open_enum::deserialize_text(deserializer)?;
                Ok($name::from(value))
            }
        }
    };
}

/// Reads an enum value as text: a JSON string as is, a JSON integer as its decimal digits (some
/// providers send numeric codes as numbers, others as strings). Used by [`open_enum!`](macro@crate::open_enum).
#[doc(hidden)]
pub fn deserialize_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<String, E> {
            Ok(value.to_string())
        }
        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<String, E> {
            Ok(value)
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<String, E> {
            Ok(value.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<String, E> {
            Ok(value.to_string())
        }
    }
    deserializer.deserialize_any(Text)
}

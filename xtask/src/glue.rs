//! The code Portico adds around progenitor's output, and the crate's Cargo.toml.
//!
//! `src/api.rs` is progenitor's output, adjusted ([`api_file`] lists each change): its
//! `Client::new(baseurl, inner)` is removed (ours takes an API key), the spec's string enums are
//! added to `types` as open enums, and every `send` hands its request to the `portico` runtime,
//! which sends it with its policy and decodes the reply. `src/lib.rs` holds the rest: the
//! provider's data for the runtime, the client constructors, and pagination streams.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::facts::{
    AccessorKind, Auth, CursorNext, CursorPage, Facts, ItemsAt, OffsetPage, Operation, Webhooks,
};

/// progenitor's tokens, adjusted: `Client::new` removed, open enums added, and each `send`
/// rewritten by [`headers_on_the_request`], [`resolve_urls`] and [`call_portico_directly`].
pub fn api_file(tokens: TokenStream, facts: &Facts) -> Result<TokenStream, String> {
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("progenitor output does not parse: {e}"))?;
    let mut removed_new = false;
    let mut added_enums = false;
    for item in &mut file.items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() && is_path(&imp.self_ty, "Client") => {
                let before = imp.items.len();
                imp.items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                removed_new |= imp.items.len() < before;
                for i in &mut imp.items {
                    if let syn::ImplItem::Fn(f) = i
                        && f.sig.ident == "new_with_client"
                    {
                        f.attrs.retain(|a| !a.path().is_ident("doc"));
                        f.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                let content = &mut m
                    .content
                    .as_mut()
                    .ok_or("progenitor's `types` module is empty")?
                    .1;
                for e in &facts.enums {
                    content.push(
                        syn::parse2(open_enum(e))
                            .map_err(|err| format!("enum {}: {err}", e.name))?,
                    );
                }
                added_enums = true;
            }
            _ => {}
        }
    }
    let unversioned = headers_on_the_request(&mut file)?;
    let resolved = resolve_urls(&mut file)?;
    let direct = call_portico_directly(&mut file, facts)?;
    explain_patterns(&mut file, &facts.pattern_messages);
    check_item_counts(&mut file, &facts.array_rules)?;
    let generated = facts
        .operations
        .iter()
        .filter(|op| op.multipart.is_none())
        .count();
    if unversioned != generated {
        return Err(format!(
            "progenitor's output no longer has the shape the xtask expects: {unversioned} requests given their headers directly, {generated} generated operations"
        ));
    }
    if resolved != generated {
        return Err(format!(
            "progenitor's output no longer has the shape the xtask expects: {resolved} URLs resolved on the parsed base, {generated} generated operations"
        ));
    }
    if direct != generated {
        return Err(format!(
            "progenitor's output no longer has the shape the xtask expects: {direct} calls handed to portico with their operation, {generated} generated operations"
        ));
    }
    if !removed_new || !added_enums {
        return Err("progenitor's output no longer has the shape the xtask expects (Client::new, mod types)".into());
    }
    let mut tokens = quote! {
        #![allow(clippy::all, missing_docs, unused_imports, unused_mut, rustdoc::all)]
    };
    tokens.extend(quote::ToTokens::into_token_stream(file));
    Ok(tokens)
}

/// A rewrite's count, or the first place where progenitor's output was not what it expects.
fn rewritten(count: usize, error: Option<String>) -> Result<usize, String> {
    match error {
        Some(error) => Err(format!(
            "progenitor's output no longer has the shape the xtask expects: {error}"
        )),
        None => Ok(count),
    }
}

/// A piece of syntax as text, as `quote` prints it (`client . baseurl`), for matching the shapes
/// of progenitor's output.
fn text(node: &impl quote::ToTokens) -> String {
    quote::ToTokens::to_token_stream(node).to_string()
}

/// Whether `stmt` is `let <name> = …` (or `let mut <name>`).
fn declares(stmt: &syn::Stmt, name: &str) -> bool {
    matches!(stmt, syn::Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name))
}

/// Progenitor gathers a request's header parameters in a map of their own, starting with an
/// `api-version: <spec version>` header, and merges that map into the request with
/// `.headers(header_map)`. Every call paid for the second map and the merge, header parameters or
/// not, and for parsing each header name from text. Here the map is gone:
///
/// - `api-version` is dropped (no provider here takes one);
/// - each header parameter is appended to the built request, under a name checked here, at
///   generation time, and made with `HeaderName::from_static`;
/// - `.headers(header_map)` leaves the request's builder chain.
///
/// Returns how many requests were rewritten.
fn headers_on_the_request(file: &mut syn::File) -> Result<usize, String> {
    use syn::visit_mut::VisitMut;
    struct Rewrite {
        count: usize,
        error: Option<String>,
    }
    /// `.headers(header_map)` out of the builder chain; whether it was there.
    struct Unmerge(bool);
    impl VisitMut for Unmerge {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && text(&call.args[0]) == "header_map"
            {
                *expr = (*call.receiver).clone();
                self.0 = true;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    /// `header_map.append("Name", v)` → `request.headers_mut().append(from_static("name"), v)`.
    struct Append(Option<String>);
    impl VisitMut for Append {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            if call.method == "append" && text(&call.receiver) == "header_map" {
                let name = match call.args.first() {
                    Some(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(name),
                        ..
                    })) => name.value(),
                    other => {
                        self.0 = Some(format!(
                            "a header parameter's name is not a literal: `{}`",
                            other.map(text).unwrap_or_default()
                        ));
                        return;
                    }
                };
                let lower = name.to_ascii_lowercase();
                // The lint refuses such a spec first; `from_static` would panic at run time.
                if !crate::lint::is_header_token(&lower) {
                    self.0 = Some(format!(
                        "header parameter {name:?} is not a valid HTTP header name"
                    ));
                    return;
                }
                call.receiver = syn::parse_quote!(request.headers_mut());
                call.args[0] =
                    syn::parse_quote!(::reqwest::header::HeaderName::from_static(#lower));
            }
            syn::visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    impl VisitMut for Rewrite {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            if block.stmts.iter().any(|s| declares(s, "header_map")) {
                let mut kept = Vec::new();
                let mut appends = Vec::new();
                let mut merged = false;
                for mut stmt in std::mem::take(&mut block.stmts) {
                    if declares(&stmt, "header_map") {
                        continue;
                    }
                    if declares(&stmt, "request") {
                        let mut unmerge = Unmerge(false);
                        unmerge.visit_stmt_mut(&mut stmt);
                        merged = unmerge.0;
                        kept.push(stmt);
                        continue;
                    }
                    let line = text(&stmt);
                    if !line.contains("header_map") {
                        kept.push(stmt);
                    } else if !line.contains("from_static (\"api-version\")") {
                        let mut append = Append(None);
                        append.visit_stmt_mut(&mut stmt);
                        if let Some(error) = append.0 {
                            self.error.get_or_insert(error);
                        }
                        appends.push(stmt);
                    }
                }
                let Some(at) = kept
                    .iter()
                    .position(|s| declares(s, "request"))
                    .filter(|_| merged)
                else {
                    self.error.get_or_insert(
                        "a `send` declares `header_map` but builds no request merging it".into(),
                    );
                    block.stmts = kept;
                    return;
                };
                kept.splice(at + 1..at + 1, appends);
                block.stmts = kept;
                self.count += 1;
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    let mut visitor = Rewrite {
        count: 0,
        error: None,
    };
    visitor.visit_file_mut(file);
    rewritten(visitor.count, visitor.error)
}

/// In every `send`, `let url = format!("{}/path/{}", client.baseurl, ..)` becomes
/// `::portico::transport::endpoint(client.inner(), &client.baseurl, <the path>)`: the base URL
/// parsed once per client instead of the whole URL, host and all, on every call. Returns how
/// many were rewritten.
fn resolve_urls(file: &mut syn::File) -> Result<usize, String> {
    use syn::visit_mut::VisitMut;
    struct Resolve(usize, Option<String>);
    impl VisitMut for Resolve {
        fn visit_local_mut(&mut self, local: &mut syn::Local) {
            let is_url = matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url");
            if let (true, Some(init)) = (is_url, &mut local.init)
                && let syn::Expr::Macro(m) = &*init.expr
                && m.mac.path.is_ident("format")
            {
                match endpoint_call(&m.mac) {
                    Ok(call) => {
                        *init.expr = call;
                        self.0 += 1;
                    }
                    Err(why) => {
                        self.1.get_or_insert(why);
                    }
                }
            }
            syn::visit_mut::visit_local_mut(self, local);
        }
    }
    fn endpoint_call(mac: &syn::Macro) -> Result<syn::Expr, String> {
        use syn::punctuated::Punctuated;
        let shown = text(mac);
        let args = mac
            .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            .map_err(|e| format!("{shown}: {e}"))?;
        let mut args = args.into_iter();
        let template = match args.next() {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) => s.value(),
            _ => return Err(format!("{shown}: no template")),
        };
        let base = args.next().map(|e| text(&e));
        let (Some(path), Some("client . baseurl")) = (template.strip_prefix("{}"), base.as_deref())
        else {
            return Err(format!("{shown}: not the base URL followed by a path"));
        };
        let rest: Vec<syn::Expr> = args.collect();
        Ok(if rest.is_empty() {
            syn::parse_quote!(::portico::transport::endpoint(client.inner(), &client.baseurl, #path)
                .map_err(Error::InvalidRequest)?)
        } else {
            syn::parse_quote!(
                ::portico::transport::endpoint(
                    client.inner(),
                    &client.baseurl,
                    &format!(#path, #(#rest),*)
                )
                .map_err(Error::InvalidRequest)?
            )
        })
    }
    let mut visitor = Resolve(0, None);
    visitor.visit_file_mut(file);
    rewritten(visitor.0, visitor.1)
}

/// How generated code names `op` for the runtime: `::portico::OperationRef` with the
/// operation's place in its client's `Provider::operations` (the operations of its token scope,
/// sorted by id, as [`provider_static`] writes them).
fn operation_ref(facts: &Facts, op: &Operation) -> TokenStream {
    let index = facts
        .operations
        .iter()
        .filter(|other| other.token == op.token)
        .take_while(|other| other.id != op.id)
        .count();
    let id = &op.id;
    quote! { ::portico::OperationRef { index: #index, id: #id } }
}

/// In every `send`, progenitor's hook calls and its decoding of the reply,
///
/// ```text
/// let info = OperationInfo { operation_id: "send_email" };
/// client.pre(&mut request, &info).await?;
/// let result = client.exec(request, &info).await;
/// client.post(&result, &info).await?;
/// let response = result?;
/// match response.status().as_u16() {
///     200..=299 => ResponseValue::from_response(response).await,
///     // one arm per documented error status, each decoding a `portico::WireError`
/// }
/// ```
///
/// become one `::portico::transport::call(.., recipe, operation)`, where `operation` is the
/// `::portico::OperationRef { index, id }` the `send` starts with:
///
/// - `send` checks its arguments at once (up to the URL, in a closure, for `?`) and serializes
///   the body once (`transport::json_body`). What is left, from the URL on, becomes the
///   `recipe`: a closure that borrows the checked arguments and makes a request each time it is
///   called, the first at once and one per retry, so that no request is copied in case of one.
/// - The recipe's map makes room for all of the request's headers before the first
///   (`transport::HEADER_ROOM`); the builder chain's `accept` and `content-type` are inserted
///   after it.
/// - Where the path has no parameters, `transport::endpoint` becomes
///   `transport::fixed_endpoint`, which makes the URL once per client.
/// - `send` is no longer an `async fn` but returns the runtime's future itself, so that a call's
///   future does not also carry the builder it came from (an `async fn` keeps its arguments for
///   as long as it runs).
///
/// The runtime sends the request with its policy, reads the operation at its place in the
/// provider's table instead of searching for its id, and returns the decoded reply or the
/// failure as it is (progenitor's `exec` hook returns a `reqwest::Response`, so failures had to
/// be encoded as replies and decoded again; its `pre` and `post` hooks are no-ops here). Returns
/// how many `send`s were rewritten.
fn call_portico_directly(file: &mut syn::File, facts: &Facts) -> Result<usize, String> {
    use syn::visit_mut::VisitMut;
    struct Direct<'f> {
        facts: &'f Facts,
        count: usize,
        error: Option<String>,
    }
    /// The operation id in `let info = OperationInfo { operation_id: "…" };`.
    fn operation_id(stmt: &syn::Stmt) -> Option<String> {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else {
            return None;
        };
        info.fields
            .iter()
            .find_map(|field| match (&field.member, &field.expr) {
                (
                    syn::Member::Named(name),
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(id),
                        ..
                    }),
                ) if name == "operation_id" => Some(id.value()),
                _ => None,
            })
    }
    /// `endpoint(client.inner(), &client.baseurl, "<literal path>")` →
    /// `fixed_endpoint(.., operation, ..)`.
    struct Fixed;
    impl VisitMut for Fixed {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if text(&call.func) == ":: portico :: transport :: endpoint"
                && let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                })) = call.args.get(2)
            {
                *call = syn::parse_quote!(::portico::transport::fixed_endpoint(
                    client.inner(),
                    &client.baseurl,
                    operation,
                    #path
                ));
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
    }
    /// What makes the request borrows the checked arguments, so that it can make it again: the
    /// serialized body is cloned (a shared buffer) and an optional header's value borrowed. The
    /// headers of the builder chain (`accept`, and `content-type` for the body) are taken out of
    /// it, to be inserted once the map has room for all of the request's headers.
    #[derive(Default)]
    struct Again {
        bodies: usize,
        headers: Vec<(syn::Expr, syn::Expr)>,
    }
    impl VisitMut for Again {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            match expr {
                syn::Expr::MethodCall(call)
                    if call.method == "json" && text(&call.args) == "& body" =>
                {
                    self.headers.push((
                        syn::parse_quote!(::reqwest::header::CONTENT_TYPE),
                        syn::parse_quote!(::reqwest::header::HeaderValue::from_static(
                            "application/json"
                        )),
                    ));
                    let receiver = &call.receiver;
                    *expr = syn::parse_quote!(#receiver.body(body.clone()));
                    self.bodies += 1;
                }
                syn::Expr::MethodCall(call) if call.method == "header" && call.args.len() == 2 => {
                    self.headers
                        .push((call.args[0].clone(), call.args[1].clone()));
                    *expr = (*call.receiver).clone();
                }
                syn::Expr::Let(taken) if matches!(&*taken.expr, syn::Expr::Path(_)) => {
                    let value = &taken.expr;
                    *taken.expr = syn::parse_quote!(&#value);
                }
                _ => {}
            }
        }
    }
    impl VisitMut for Direct<'_> {
        fn visit_impl_item_fn_mut(&mut self, send: &mut syn::ImplItemFn) {
            let block = &mut send.block;
            let Some(id) = block
                .stmts
                .iter()
                .find_map(|s| declares(s, "info").then(|| operation_id(s)).flatten())
            else {
                return syn::visit_mut::visit_impl_item_fn_mut(self, send);
            };
            let Some(op) = self.facts.operations.iter().find(|op| op.id == id) else {
                self.error
                    .get_or_insert(format!("`send` of {id:?}, an operation the spec lacks"));
                return;
            };
            let operation = operation_ref(self.facts, op);
            let hooks = [
                "client . pre (& mut request , & info) . await ? ;",
                "let result = client . exec (request , & info) . await ;",
                "client . post (& result , & info) . await ? ;",
            ];
            let before = block.stmts.len();
            block.stmts.retain_mut(|stmt| {
                if declares(stmt, "url") {
                    Fixed.visit_stmt_mut(stmt);
                }
                !(declares(stmt, "info") || hooks.contains(&text(stmt).as_str()))
            });
            // What is left starts by taking `self` apart and ends with `let response = result?;`
            // and the `match` on its status.
            let tail = block.stmts.len().saturating_sub(2);
            let decodes_json = match &block.stmts[tail..] {
                [response, syn::Stmt::Expr(syn::Expr::Match(reply), None)] => {
                    text(response) == "let response = result ? ;"
                        && reply.arms.iter().any(|arm| {
                            text(&arm.pat) == "200 ..= 299"
                                && text(&arm.body)
                                    == "{ ResponseValue :: from_response (response) . await }"
                        })
                }
                _ => false,
            };
            let output = match &send.sig.output {
                syn::ReturnType::Type(_, ty) if send.sig.asyncness.is_some() => (**ty).clone(),
                _ => {
                    self.error
                        .get_or_insert(format!("`send` of {id:?} is not an `async fn`"));
                    return;
                }
            };
            let takes_self_apart = block.stmts.first().is_some_and(|s| {
                text(s).starts_with("let Self {") && text(s).ends_with("} = self ;")
            });
            if before - block.stmts.len() != 1 + hooks.len()
                || !decodes_json
                || !takes_self_apart
                || !text(&output).contains(", Error < :: portico :: WireError >")
            {
                self.error.get_or_insert(format!(
                    "`send` of {id:?} does not take `self` apart, call progenitor's hooks and decode a JSON reply as expected"
                ));
                return;
            }
            block.stmts.truncate(tail);
            let parts = block.stmts.remove(0);
            // Checking the arguments, up to the URL; making the request, from the URL on.
            let Some(url) = block.stmts.iter().position(|s| declares(s, "url")) else {
                self.error
                    .get_or_insert(format!("`send` of {id:?} makes no `url`"));
                return;
            };
            let mut make = block.stmts.split_off(url);
            let mut check = std::mem::take(&mut block.stmts);
            let has_body = check.iter().any(|s| declares(s, "body"));
            if has_body {
                check.push(syn::parse_quote!(
                    let body = ::portico::transport::json_body(&body)?;
                ));
            }
            let mut again = Again::default();
            let Some(built) = make.iter().position(|s| declares(s, "request")) else {
                self.error
                    .get_or_insert(format!("`send` of {id:?} builds no `request`"));
                return;
            };
            again.visit_stmt_mut(&mut make[built]);
            for stmt in &mut make[built + 1..] {
                // Past the builder chain only optional header values are borrowed (`if let`);
                // a `.header(..)` there is not the chain's.
                let mut rest = Again::default();
                rest.visit_stmt_mut(stmt);
                if rest.bodies + rest.headers.len() > 0 {
                    self.error.get_or_insert(format!(
                        "`send` of {id:?} sets headers or a body after building its request"
                    ));
                    return;
                }
            }
            if again.bodies != usize::from(has_body) {
                self.error.get_or_insert(format!(
                    "`send` of {id:?} does not send its body as `.json(&body)`"
                ));
                return;
            }
            // Room, before the first header, for all of them: these, the header parameters,
            // Portico's (credential, User-Agent, idempotency key), and reqwest's and hyper's
            // (host, content-length). The map would otherwise grow once it holds six, moving and
            // rehashing every entry.
            let (names, values): (Vec<_>, Vec<_>) = again.headers.into_iter().unzip();
            let room: Vec<syn::Stmt> = syn::parse_quote! {
                request.headers_mut().reserve(::portico::transport::HEADER_ROOM);
                #(request.headers_mut().insert(#names, #values);)*
            };
            make.splice(built + 1..built + 1, room);
            block.stmts = syn::parse_quote! {
                let operation = #operation;
                #parts
                let recipe = (move || -> Result<_, Error<::portico::WireError>> {
                    #(#check)*
                    Ok(move || -> Result<::reqwest::Request, Error<::portico::WireError>> {
                        #(#make)*
                        Ok(request)
                    })
                })();
                ::portico::transport::call(client.inner(), &client.client, recipe, operation)
            };
            send.sig.asyncness = None;
            send.sig.output =
                syn::parse_quote!(-> impl ::std::future::Future<Output = #output> + 'a);
            self.count += 1;
        }
    }
    let mut visitor = Direct {
        facts,
        count: 0,
        error: None,
    };
    visitor.visit_file_mut(file);
    rewritten(visitor.count, visitor.error)
}

/// Adds the spec's `minItems`/`maxItems` to the generated struct builders (typify checks string
/// constraints but not these), so a list of the wrong length fails before sending, naming the
/// field.
fn check_item_counts(
    file: &mut syn::File,
    rules: &[crate::facts::ArrayRule],
) -> Result<(), String> {
    if rules.is_empty() {
        return Ok(());
    }
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or("progenitor's output has no `types` module")?;
    // JSON property → (Rust field, is it an Option) for each struct named in a rule.
    let mut fields = std::collections::BTreeMap::new();
    for item in types.iter() {
        let syn::Item::Struct(st) = item else {
            continue;
        };
        if !rules.iter().any(|r| st.ident == r.schema) {
            continue;
        }
        for field in &st.fields {
            let Some(ident) = &field.ident else { continue };
            let mut json = ident.to_string().trim_start_matches("r#").to_string();
            for attr in &field.attrs {
                if !attr.path().is_ident("serde") {
                    continue;
                }
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        json = meta.value()?.parse::<syn::LitStr>()?.value();
                    } else if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                    Ok(())
                });
            }
            let optional = quote::ToTokens::to_token_stream(&field.ty)
                .to_string()
                .contains("Option <");
            fields.insert((st.ident.to_string(), json), (ident.clone(), optional));
        }
    }
    let builder = types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or("progenitor's `types` module has no `builder` module")?;
    let mut applied = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some((trait_path, _)) = &imp.trait_ else {
            continue;
        };
        let target = text(&imp.self_ty);
        let is_try_from = trait_path
            .segments
            .last()
            .is_some_and(|s| s.ident == "TryFrom");
        let mine: Vec<_> = rules
            .iter()
            .filter(|r| is_try_from && target == format!("super :: {}", r.schema))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut checks = Vec::new();
        for rule in &mine {
            let (ident, optional) = fields
                .get(&(rule.schema.clone(), rule.property.clone()))
                .ok_or(format!(
                    "schema {}: no generated field for array property {:?}",
                    rule.schema, rule.property
                ))?;
            let name = ident.to_string();
            let mut conditions = Vec::new();
            if let Some(min) = rule.min {
                let message = format!(
                    "error converting supplied value for {name}: needs at least {min} item(s)"
                );
                let min = min as usize;
                conditions.push(quote! { if items.len() < #min { return Err(#message.into()); } });
            }
            if let Some(max) = rule.max {
                let message = format!(
                    "error converting supplied value for {name}: has more than {max} items"
                );
                let max = max as usize;
                conditions.push(quote! { if items.len() > #max { return Err(#message.into()); } });
            }
            // An optional list left empty is not sent at all, so only a required one must meet
            // `minItems` when empty.
            checks.push(if *optional {
                quote! { if let Some(items) = &out.#ident { #(#conditions)* } }
            } else if rule.required {
                quote! { { let items = &out.#ident; #(#conditions)* } }
            } else {
                quote! { { let items = &out.#ident; if !items.is_empty() { #(#conditions)* } } }
            });
        }
        let Some(syn::ImplItem::Fn(f)) = imp
            .items
            .iter_mut()
            .find(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "try_from"))
        else {
            continue;
        };
        let Some(syn::Stmt::Expr(syn::Expr::Call(call), None)) = f.block.stmts.last() else {
            return Err(format!(
                "builder for {target}: try_from no longer ends in `Ok(Self {{ .. }})`"
            ));
        };
        let construct = call.args.first().cloned().ok_or("empty Ok(..)")?;
        f.block = syn::parse_quote!({
            let out = #construct;
            #(#checks)*
            Ok(out)
        });
        applied += mine.len();
    }
    if applied != rules.len() {
        return Err(format!(
            "progenitor's output no longer has the shape the xtask expects: {applied} of {} item-count rules placed",
            rules.len()
        ));
    }
    Ok(())
}

/// Replaces typify's "doesn't match pattern <regex>" with the spec's own words for that pattern,
/// so that a rejected argument says what is wrong rather than printing a regular expression.
fn explain_patterns(file: &mut syn::File, messages: &[(String, String)]) {
    use syn::visit_mut::VisitMut;
    struct Explain<'a>(&'a [(String, String)]);
    impl VisitMut for Explain<'_> {
        fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
            let value = lit.value();
            if let Some((_, message)) = self
                .0
                .iter()
                .find(|(pattern, _)| value == format!("doesn't match pattern \"{pattern}\""))
            {
                *lit = syn::LitStr::new(message, lit.span());
            }
        }
    }
    Explain(messages).visit_file_mut(file);
}

/// Splits multi-line `#[doc]` attributes into one attribute per line. prettyplease prints a
/// multi-line doc as a `/** */` block whose continuation lines it indents, and rustdoc then reads
/// those indented lines as code blocks (failing doctests); `///` lines keep the Markdown intact.
pub fn split_docs(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Split;
    fn split(attrs: &mut Vec<syn::Attribute>) {
        let mut out = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            let text = match &attr.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    _ => {
                        out.push(attr);
                        continue;
                    }
                },
                _ => {
                    out.push(attr);
                    continue;
                }
            };
            // `///text` reads badly; `/// text` is what rustfmt users write.
            for line in text.lines() {
                // One space after `///` on every line keeps relative indentation (code blocks).
                let line = match line.trim_end() {
                    "" => String::new(),
                    l => format!(" {l}"),
                };
                let mut doc: syn::Attribute = syn::parse_quote!(#[doc = #line]);
                doc.style = attr.style;
                out.push(doc);
            }
        }
        *attrs = out;
    }
    macro_rules! splitting {
        ($($method:ident: $ty:ty => $walk:ident),* $(,)?) => {
            impl VisitMut for Split {
                $(fn $method(&mut self, node: &mut $ty) {
                    split(&mut node.attrs);
                    syn::visit_mut::$walk(self, node);
                })*
            }
        };
    }
    splitting! {
        visit_file_mut: syn::File => visit_file_mut,
        visit_item_struct_mut: syn::ItemStruct => visit_item_struct_mut,
        visit_item_enum_mut: syn::ItemEnum => visit_item_enum_mut,
        visit_item_fn_mut: syn::ItemFn => visit_item_fn_mut,
        visit_item_impl_mut: syn::ItemImpl => visit_item_impl_mut,
        visit_item_mod_mut: syn::ItemMod => visit_item_mod_mut,
        visit_item_type_mut: syn::ItemType => visit_item_type_mut,
        visit_item_const_mut: syn::ItemConst => visit_item_const_mut,
        visit_item_trait_mut: syn::ItemTrait => visit_item_trait_mut,
        visit_impl_item_fn_mut: syn::ImplItemFn => visit_impl_item_fn_mut,
        visit_trait_item_fn_mut: syn::TraitItemFn => visit_trait_item_fn_mut,
        visit_field_mut: syn::Field => visit_field_mut,
        visit_variant_mut: syn::Variant => visit_variant_mut,
    }
    Split.visit_file_mut(file);
}

fn is_path(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

fn open_enum(e: &crate::facts::Enum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = if e.description.is_empty() {
        format!("`{}`", e.name)
    } else {
        e.description.clone()
    };
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        match &v.description {
            Some(text) => {
                let doc = format!("`{value}`: {text}");
                quote! { #[doc = #doc] #ident = #value => #text, }
            }
            None => {
                let doc = format!("`{value}`");
                quote! { #[doc = #doc] #ident = #value, }
            }
        }
    });
    quote! {
        ::portico::open_enum! {
            #[doc = #doc]
            pub enum #name { #(#variants)* }
        }
    }
}

/// `src/lib.rs`: crate docs, re-exports, provider data, hook, constructors, streams.
pub fn lib_file(facts: &Facts) -> TokenStream {
    let crate_doc = crate_doc(facts);
    let title = &facts.title;
    let env = &facts.env;
    let new_doc = format!("A {title} client with this API key and the default settings.");
    let env_doc = format!("A {title} client with the API key from `{env}`.");
    let streams = facts
        .operations
        .iter()
        .filter_map(|op| op.cursor.as_ref().map(|c| cursor_stream(op, c)));
    let offsets = facts
        .operations
        .iter()
        .filter_map(|op| op.offset.as_ref().map(|o| offset_stream(op, o)));
    let webhooks = facts.webhooks.as_ref().map(|w| webhooks_module(facts, w));
    let stream_uses = facts
        .operations
        .iter()
        .any(|op| op.cursor.is_some() || op.offset.is_some())
        .then(|| quote! { pub use ::portico::pagination::{ItemStream, StreamExt}; });
    let rate_limit_doc = format!(
        "The rate-limit headers of a {title} reply (`ratelimit-*` or `x-ratelimit-*`), with the reset read as \
{title} counts it; `None` when the reply has none.\n\n\
Errors carry them already ([`Error::rate_limit`]); for a successful reply pass its headers:\n\n\
```no_run\n\
# fn show<T>(reply: {krate}::ResponseValue<T>) {{\n\
if let Some(limits) = {krate}::rate_limit(reply.headers()) {{\n\
    println!(\"{{:?}} requests left\", limits.remaining);\n\
}}\n\
# }}\n\
```",
        krate = format!("portico_{}", facts.provider),
    );
    let with_options_doc = format!(
        "A client whose calls use other [`CallOptions`] (retries, timeouts). It shares this \
client's connection pool, credential, rate limiter and retry budget, so it is cheap to make for \
one call.\n\n\
```no_run\n\
# fn run(client: &{krate}::Client) {{\n\
use std::time::Duration;\n\
use {krate}::RetryPolicy;\n\n\
let quick = client.with_options(|o| o.retry(RetryPolicy::none()).total_timeout(Duration::from_secs(5)));\n\
# let _ = quick;\n\
# }}\n\
```",
        krate = format!("portico_{}", facts.provider),
    );
    let for_user = facts.user_credential.as_ref().map(|user| {
        let doc = format!(
            "The same client for another end user: their token goes in `{header}` (instead of this \
client's), with a rate limiter and retry budget of their own, because {title} counts per end user. \
Shares the API key, call options and connection pool, so it is cheap to make per request.\n\n\
```no_run\n\
# fn run(client: &{krate}::Client) -> Result<(), {krate}::Error> {{\n\
let theirs = client.for_user(\"5e3c1a7b-93f2-4d1e-8a6c-2b9f0d4e7a15\")?;\n\
# let _ = theirs;\n\
# Ok(()) }}\n\
```",
            header = user.header,
            title = facts.title,
            krate = format!("portico_{}", facts.provider),
        );
        quote! {
            impl Client {
                #[doc = #doc]
                pub fn for_user(&self, user_token: &str) -> Result<Self, Error> {
                    use ::progenitor_client::ClientInfo as _;
                    Ok(Client::new_with_client(self.baseurl(), self.client().clone(), self.inner().for_user(user_token)?))
                }
            }
        }
    });
    let accessors = accessors(facts);
    let regions = (!facts.regions.is_empty()).then(|| {
        let consts = facts.regions.iter().map(|(name, url)| {
            let ident = format_ident!("{}", name.to_ascii_uppercase().replace('-', "_"));
            let doc = format!("Region `{name}`: `{url}`.");
            quote! {
                #[doc = #doc]
                pub const #ident: &str = #url;
            }
        });
        let doc = format!(
            "{title}'s regional base URLs, for `Client::builder().base_url(..)`. The default is the \
first, `{first}`; any other `https` URL (a private deployment) works too.",
            first = facts.regions[0].0,
        );
        quote! {
            #[doc = #doc]
            pub mod regions {
                #(#consts)*
            }
        }
    });
    let clients = if facts.token_clients.is_empty() {
        let provider = provider_static(facts, &format_ident!("PROVIDER"), &facts.env, None);
        quote! {
            pub use api::Client;

            #provider

            /// Configures and builds a [`Client`]: base URL, User-Agent suffix, timeouts, your own
            /// `reqwest::Client`.
            pub type ClientBuilder = ::portico::ClientBuilder<Client>;

            impl ::portico::ProviderClient for Client {
                const PROVIDER: &'static ::portico::Provider = &PROVIDER;

                fn from_parts(base_url: &str, http: ::reqwest::Client, config: ::portico::Config) -> Self {
                    Client::new_with_client(base_url, http, config)
                }
            }

            impl Client {
                #[doc = #new_doc]
                pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                    ClientBuilder::new().api_key(api_key).build()
                }

                #[doc = #env_doc]
                pub fn from_env() -> Result<Self, Error> {
                    ClientBuilder::new().api_key_from_env()?.build()
                }

                /// A builder for a client with settings other than the defaults.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::new()
                }

                #[doc = #with_options_doc]
                pub fn with_options(&self, change: impl FnOnce(CallOptions) -> CallOptions) -> Self {
                    use ::progenitor_client::ClientInfo as _;
                    Client::new_with_client(self.baseurl(), self.client().clone(), self.inner().with_options(change))
                }
            }


        }
    } else {
        token_clients(facts, &new_doc, &env_doc, &with_options_doc)
    };
    let multiparts: Vec<_> = facts
        .operations
        .iter()
        .filter_map(|op| {
            op.multipart
                .as_ref()
                .map(|m| multipart_method(facts, op, m))
        })
        .collect();
    let multiparts = (!multiparts.is_empty()).then(|| quote! { impl Client { #(#multiparts)* } });
    quote! {
        #![doc = #crate_doc]

        mod api;

        pub use api::{builder, types, ByteStream, ResponseValue};
        pub use ::portico::{CallOptions, CallStats, Error, ErrorKind, RetryPolicy};

        #clients

        // progenitor requires its hooks; none is called. Every generated `send` hands its
        // request to `portico::transport::call` instead (the xtask rewrites each one).
        impl ::progenitor_client::ClientHooks<::portico::Config> for api::Client {}

        #stream_uses

        // A constrained value built by hand (`"…".parse::<types::X>()?`) fails like a builder argument.
        impl From<types::error::ConversionError> for Error {
            fn from(e: types::error::ConversionError) -> Self {
                Error::invalid_argument(e.to_string())
            }
        }

        #[doc = #rate_limit_doc]
        pub fn rate_limit(headers: &::reqwest::header::HeaderMap) -> Option<::portico::RateLimit> {
            PROVIDER.rate_limit(headers)
        }

        #(#streams)*

        #(#offsets)*

        #webhooks

        #multiparts

        #for_user

        #accessors

        #regions
    }
}

/// One client type per token scope (`x-portico.token-clients`): each wraps the generated client
/// and exposes only its own operations, so a token cannot be used where it is refused.
fn token_clients(
    facts: &Facts,
    new_doc: &str,
    env_doc: &str,
    with_options_doc: &str,
) -> TokenStream {
    let title = &facts.title;
    let mut kinds = vec![(
        format_ident!("Client"),
        format_ident!("ClientBuilder"),
        format_ident!("PROVIDER"),
        facts.env.clone(),
        None,
        format!(
            "A {title} client for every route except those of the {} token types, which have clients \
of their own ({}).",
            facts
                .token_clients
                .iter()
                .map(|t| t.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            facts
                .token_clients
                .iter()
                .map(|t| format!("[`{}Client`]", crate::facts::pascal(&t.key)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        new_doc.to_string(),
        env_doc.to_string(),
    )];
    for t in &facts.token_clients {
        let pascal = crate::facts::pascal(&t.key);
        kinds.push((
            format_ident!("{pascal}Client"),
            format_ident!("{pascal}ClientBuilder"),
            format_ident!("{}_PROVIDER", t.key.to_ascii_uppercase()),
            t.env.clone(),
            Some(t.key.clone()),
            format!("A {title} client for a {} token: {}", t.key, t.description),
            format!(
                "A {title} {} client with this token and the default settings.",
                t.key
            ),
            format!(
                "A {title} {} client with the token from `{}`.",
                t.key, t.env
            ),
        ));
    }
    let krate = format!("portico_{}", facts.provider);
    let first_op = |token: Option<&str>| {
        facts
            .operations
            .iter()
            .find(|op| op.token.as_deref() == token)
            .map(|op| op.id.clone())
    };
    let out = kinds.into_iter().map(|(client, builder_alias, static_name, env, token, doc, new_doc, env_doc)| {
        // Proof, compiled by rustdoc, that another scope's route is not on this client.
        let foreign = match &token {
            None => facts.token_clients.first().and_then(|t| first_op(Some(&t.key))),
            Some(_) => first_op(None),
        };
        let doc = match (first_op(token.as_deref()), foreign) {
            (Some(own), Some(op)) => format!(
                "{doc}\n\nIts own routes are methods:\n\n\
```\n\
# fn run(client: {krate}::{client}) {{\n\
let _ = client.{own}();\n\
# }}\n\
```\n\n\
Another token's routes are not, so the same call to one of them does not compile:\n\n\
```compile_fail\n\
# fn run(client: {krate}::{client}) {{\n\
let _ = client.{op}();\n\
# }}\n\
```"
            ),
            _ => doc,
        };
        let provider = provider_static(facts, &static_name, &env, token.as_deref());
        let builder_doc = format!("Configures and builds a [`{client}`]: base URL, User-Agent suffix, timeouts, your own `reqwest::Client`.");
        let with_options_doc = with_options_doc.replace("::Client)", &format!("::{client})"));
        let methods = facts.operations.iter().filter(|op| op.token == token).map(|op| {
            let method = format_ident!("{}", op.id);
            let builder = format_ident!("{}", crate::facts::pascal(&op.id));
            let mut doc = op.summary.trim().to_string();
            if op.inferred {
                doc += "\n\n**Inferred:** not in the provider's published documentation.";
            }
            doc += &format!("\n\n`{} {}`; set its parameters on [`builder::{builder}`], then `.send().await`.", op.method, op.path);
            quote! {
                #[doc = #doc]
                pub fn #method(&self) -> builder::#builder<'_> {
                    self.0.#method()
                }
            }
        });
        quote! {
            #provider

            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #client(api::Client);

            #[doc = #builder_doc]
            pub type #builder_alias = ::portico::ClientBuilder<#client>;

            impl ::portico::ProviderClient for #client {
                const PROVIDER: &'static ::portico::Provider = &#static_name;

                fn from_parts(base_url: &str, http: ::reqwest::Client, config: ::portico::Config) -> Self {
                    #client(api::Client::new_with_client(base_url, http, config))
                }
            }

            impl #client {
                #[doc = #new_doc]
                pub fn new(token: impl Into<String>) -> Result<Self, Error> {
                    #builder_alias::new().api_key(token).build()
                }

                #[doc = #env_doc]
                pub fn from_env() -> Result<Self, Error> {
                    #builder_alias::new().api_key_from_env()?.build()
                }

                /// A builder for a client with settings other than the defaults.
                pub fn builder() -> #builder_alias {
                    #builder_alias::new()
                }

                #[doc = #with_options_doc]
                pub fn with_options(&self, change: impl FnOnce(CallOptions) -> CallOptions) -> Self {
                    use ::progenitor_client::ClientInfo as _;
                    #client(api::Client::new_with_client(self.0.baseurl(), self.0.client().clone(), self.0.inner().with_options(change)))
                }

                #(#methods)*
            }
        }
    });
    quote! { #(#out)* }
}

fn multipart_method(facts: &Facts, op: &Operation, m: &crate::facts::Multipart) -> TokenStream {
    let name = format_ident!("{}", op.id);
    let operation = operation_ref(facts, op);
    let method = format_ident!("{}", op.method);
    let mut doc = format!(
        "{}\n\nSends `multipart/form-data`. Build the form with `reqwest::multipart::Form` and these fields:\n",
        m.description
    );
    for (field, required, description) in &m.fields {
        let required = if *required { " (required)" } else { "" };
        doc.push_str(&format!("\n- `{field}`{required}: {description}"));
    }
    let params: Vec<_> = m
        .path_params
        .iter()
        .map(|p| format_ident!("{}", p))
        .collect();
    let mut template = op.path.clone();
    for p in &m.path_params {
        template = template.replace(&format!("{{{p}}}"), "{}");
    }
    let template = format!("{{}}{template}");
    let reply = match &m.reply_type {
        Some(t) => {
            let t = format_ident!("{}", t);
            quote!(types::#t)
        }
        None => quote!(()),
    };
    quote! {
        #[doc = #doc]
        pub async fn #name(
            &self,
            #(#params: &str,)*
            form: ::reqwest::multipart::Form,
        ) -> Result<ResponseValue<#reply>, Error> {
            use ::progenitor_client::ClientInfo as _;
            let url = format!(#template, self.baseurl(), #(::progenitor_client::encode_path(#params)),*);
            ::portico::transport::send_multipart(self.inner(), self.client(), ::reqwest::Method::#method, url, form, #operation).await
        }
    }
}

fn crate_doc(facts: &Facts) -> String {
    let p = &facts.provider;
    let title = &facts.title;
    let crate_name = format!("portico_{p}");
    let mut features = vec![
        format!("Build a [`Client`] with [`Client::new`], [`Client::from_env`] (`{}`) or [`Client::builder`].", facts.env),
        "Each operation is a method returning a request builder; `.send().await` runs it. Arguments \
are checked against the spec's constraints before anything is sent."
            .to_string(),
        format!("Every failure converts into [`Error`] with `?`: its text gives the status, {title}'s {}, \
and the request id.", if facts.error.code.is_empty() { "message" } else { "error code and message" }),
        format!("Enums stay open: a value {title} adds later is kept in `Unknown`, never a decoding failure."),
        "Failed attempts are retried with backoff, but never in a way that could send twice: a POST \
is repeated only with an idempotency key or when the failure proves it was not processed (see \
`portico::retry`). A client-side rate limiter holds the documented rate limits; \
[`Client::with_options`] changes retries and timeouts for some calls, and \
[`CallStats`] tells what a call took."
            .to_string(),
    ];
    if let Some(user) = &facts.user_credential {
        features.push(format!(
            "Two credentials, both set once on the client: your API key and the end user's token \
(`{header}`, from `{env}` in `from_env`, or [`ClientBuilder::user_token`]). [`Client::for_user`] \
derives a client for another end user, sharing the connection pool. A call that acts for an end \
user fails before sending when the client has no user token.",
            header = user.header,
            env = user.env,
        ));
    }
    for t in &facts.token_clients {
        let client = format!("{}Client", crate::facts::pascal(&t.key));
        features.push(format!(
            "A {key} token reaches only its own routes, so it has a client type of its own: \
[`{client}`] (from `{env}` in `from_env`) exposes exactly those, and [`Client`] exposes none of \
them. Using a token where {title} refuses it does not compile.",
            key = t.key,
            env = t.env,
        ));
    }
    if !facts.regions.is_empty() {
        features.push(format!(
            "Regions: the default server is `{}`; [`regions`] has the others for \
`Client::builder().base_url(..)`, and any `https` URL (a private deployment) works too.",
            facts.regions[0].0
        ));
    }
    if !facts.plans.is_empty() {
        features.push(format!(
            "Per-route rate limits by plan ({}): `Client::builder().plan(\"{}\")` picks yours; the \
default, `{}`, is the most conservative. A 429's wait is read from `Retry-After` or, failing that, \
from the message text.",
            facts.plans.join(", "),
            facts.plans.last().cloned().unwrap_or_default(),
            facts.plans[0],
        ));
    }
    if let Some(envelope) = &facts.envelope {
        features.push(format!(
            "{title} wraps every body in an envelope (`{status}`, `{result}`): methods return what \
is inside, and an error inside the envelope is an [`Error`] even when the HTTP status is 200.",
            status = envelope.status,
            result = envelope.result,
        ));
    }
    if facts
        .operations
        .iter()
        .any(|op| op.cursor.is_some() || op.offset.is_some())
    {
        features.push("Paginated lists have `.stream()` on their builder: a `Stream` of items over every page.".into());
    }
    if facts.webhooks.is_some() {
        features.push(format!(
            "[`webhooks::parse`] reads {title}'s webhook deliveries into typed events."
        ));
    }
    features.push(
        "[`rate_limit`] reads a reply's rate-limit headers (`ratelimit-*`, `x-ratelimit-*`), if it has any."
            .into(),
    );
    let features: String = features.iter().map(|f| format!("- {f}\n")).collect();
    let quick_start = if facts.quick_start.trim().is_empty() {
        format!("let client = {crate_name}::Client::from_env()?;\n# let _ = client;\n")
    } else {
        facts.quick_start.trim_end().to_string() + "\n"
    };
    format!(
        "# portico-{p}\n\nA typed client for the {title} API, generated by [Portico](https://github.com/portico-sdk/portico) \
from `specs/{p}.yaml`. {description}\n\n{features}\n\
## Quick start\n\n\
```no_run\n\
# async fn run() -> Result<(), {crate_name}::Error> {{\n\
{quick_start}\
# Ok(()) }}\n\
```\n\n\
Operations: {count}. Default server: `{base}`.",
        description = facts.description,
        count = facts.operations.len(),
        base = facts.base_url,
    )
}

/// The `Provider` static of one client type: `token` selects the operations it exposes (those
/// marked `x-portico-token: <token>`, or the unmarked ones for `None`).
fn provider_static(
    facts: &Facts,
    static_name: &proc_macro2::Ident,
    env: &str,
    token: Option<&str>,
) -> TokenStream {
    let name = &facts.provider;
    let base = &facts.base_url;
    let auth = match &facts.auth {
        Auth::Bearer => quote! { ::portico::Auth::Bearer },
        Auth::Header(h) => quote! { ::portico::Auth::Header(#h) },
    };
    let code = &facts.error.code;
    let message = facts
        .error
        .message
        .iter()
        .map(|path| quote! { &[#(#path),*] });
    let user_credential = match &facts.user_credential {
        Some(user) => {
            let (header, env) = (&user.header, &user.env);
            quote! { Some(::portico::UserCredential { header: #header, env_var: #env }) }
        }
        None => quote! { None },
    };
    let envelope = match &facts.envelope {
        Some(e) => {
            let (status, result) = (&e.status, &e.result);
            let ok = match &e.ok {
                serde_json::Value::Bool(flag) => quote! { ::portico::EnvelopeOk::Bool(#flag) },
                other => {
                    let text = other.as_str().unwrap_or_default();
                    quote! { ::portico::EnvelopeOk::Text(#text) }
                }
            };
            quote! { Some(::portico::Envelope { status: #status, ok: #ok, result: #result }) }
        }
        None => quote! { None },
    };
    let query_arrays = format_ident!("{}", facts.query_arrays);
    let plans = &facts.plans;
    let kinds = facts.error.kinds.iter().map(|(code, kind)| {
        let kind = format_ident!("{}", kind);
        quote! { (#code, ::portico::ErrorKind::#kind) }
    });
    let statuses = facts.error.statuses.iter().map(|(status, kind)| {
        let kind = format_ident!("{}", kind);
        quote! { (#status, ::portico::ErrorKind::#kind) }
    });
    let rate_limits = facts.rate_limits.iter().map(|r| {
        let (requests, per_seconds, scope) = (r.requests, r.per_seconds, &r.scope);
        quote! { ::portico::RateLimitRule { requests: #requests, per_seconds: #per_seconds, scope: #scope } }
    });
    let reset = format_ident!("{}", facts.rate_limit_reset);
    let request_ids = &facts.request_id_headers;
    let operations = facts.operations.iter().filter(|op| op.token.as_deref() == token).map(|op| {
        let (id, method) = (&op.id, &op.method);
        let key = match &op.idempotency_header {
            Some(header) => quote! { Some(#header) },
            None => quote! { None },
        };
        let envelope = format_ident!("{}", op.envelope);
        let user = op.user_credential;
        let anonymous = op.anonymous;
        let arrays = &op.array_query;
        let rate_limit = match &op.rate_limit {
            Some(limit) => {
                let (per_seconds, scope) = (limit.per_seconds, &limit.scope);
                let plans = limit.plans.iter().map(|(plan, n)| quote! { (#plan, #n) });
                quote! { Some(::portico::RouteLimit { per_seconds: #per_seconds, scope: #scope, plans: &[#(#plans),*] }) }
            }
            None => quote! { None },
        };
        quote! {
            ::portico::Operation {
                id: #id,
                method: #method,
                idempotency_header: #key,
                envelope: ::portico::EnvelopeMode::#envelope,
                user_credential: #user,
                anonymous: #anonymous,
                array_query: &[#(#arrays),*],
                rate_limit: #rate_limit,
            }
        }
    });
    let doc = match token {
        None => format!(
            "{}, as `specs/{name}.yaml` describes it; read by the Portico runtime.",
            facts.title
        ),
        Some(token) => format!(
            "{}'s routes for a {token} token, as `specs/{name}.yaml` describes them; read by the Portico runtime.",
            facts.title
        ),
    };
    quote! {
        #[doc = #doc]
        pub static #static_name: ::portico::Provider = ::portico::Provider {
            name: #name,
            crate_version: env!("CARGO_PKG_VERSION"),
            default_base_url: #base,
            env_var: #env,
            auth: #auth,
            user_credential: #user_credential,
            envelope: #envelope,
            query_arrays: ::portico::QueryArrays::#query_arrays,
            plans: &[#(#plans),*],
            error_format: ::portico::ErrorFormat {
                code: &[#(#code),*],
                message: &[#(#message),*],
                kinds: &[#(#kinds),*],
                statuses: &[#(#statuses),*],
            },
            request_id_headers: &[#(#request_ids),*],
            rate_limits: &[#(#rate_limits),*],
            rate_limit_reset: ::portico::ResetFormat::#reset,
            operations: &[#(#operations),*],
        };
    }
}

/// Methods for quirky fields: the correct spelling of a misspelled one, a number sent as text.
fn accessors(facts: &Facts) -> TokenStream {
    let mut by_schema: std::collections::BTreeMap<&str, Vec<TokenStream>> = Default::default();
    for a in &facts.accessors {
        let field = format_ident!("{}", a.property);
        let method = match &a.kind {
            AccessorKind::Sic { name, item } => {
                let name = format_ident!("{}", name);
                let item = format_ident!("{}", item);
                let doc = format!(
                    "`{}`, as {} spells it, under its correct name.",
                    a.property, facts.title
                );
                quote! {
                    #[doc = #doc]
                    pub fn #name(&self) -> &[types::#item] {
                        &self.#field
                    }
                }
            }
            AccessorKind::Number => {
                let name = format_ident!("{}_number", a.property);
                let doc = format!(
                    "`{}` as a number: {} sends it as text. `None` when it is absent or not a number.",
                    a.property, facts.title
                );
                let text = if a.required {
                    quote!(Some(self.#field.as_str()))
                } else {
                    quote!(self.#field.as_deref())
                };
                quote! {
                    #[doc = #doc]
                    pub fn #name(&self) -> Option<f64> {
                        #text.and_then(|text| text.trim().parse().ok())
                    }
                }
            }
        };
        by_schema.entry(&a.schema).or_default().push(method);
    }
    let impls = by_schema.into_iter().map(|(schema, methods)| {
        let schema = format_ident!("{}", schema);
        quote! { impl types::#schema { #(#methods)* } }
    });
    quote! { #(#impls)* }
}

fn cursor_stream(op: &Operation, c: &CursorPage) -> TokenStream {
    let builder = format_ident!("{}", crate::facts::pascal(&op.id));
    let page = format_ident!("{}", c.page_type);
    let item = format_ident!("{}", c.item_type);
    let items = format_ident!("{}", c.items_field);
    let param = format_ident!("{}", c.cursor_param);
    // typify gives an optional array property a `#[serde(default)]` `Vec`, never an `Option`.
    let (next_expr, follows) = match &c.next {
        CursorNext::LastItem {
            has_more_field,
            has_more_required,
            item_field,
            item_field_required,
        } => {
            let has_more = format_ident!("{}", has_more_field);
            let field = format_ident!("{}", item_field);
            let more = if *has_more_required {
                quote!(page.#has_more)
            } else {
                quote!(page.#has_more.unwrap_or(false))
            };
            let cursor = if *item_field_required {
                quote!(page.#items.last().map(|item| item.#field.clone()))
            } else {
                quote!(page.#items.last().and_then(|item| item.#field.clone()))
            };
            let next = quote! {
                if !#more {
                    ::portico::pagination::Next::End
                } else {
                    match #cursor {
                        Some(cursor) => ::portico::pagination::Next::After(cursor),
                        None => ::portico::pagination::Next::Missing,
                    }
                }
            };
            (
                next,
                format!("`{has_more_field}` and the last item's `{item_field}`"),
            )
        }
        CursorNext::PageField { field, required } => {
            let next = format_ident!("{}", field);
            let cursor = if *required {
                quote!(Some(page.#next.clone()))
            } else {
                quote!(page.#next.clone())
            };
            let next = quote! {
                match #cursor {
                    Some(cursor) if !cursor.is_empty() => ::portico::pagination::Next::After(cursor),
                    _ => ::portico::pagination::Next::End,
                }
            };
            (next, format!("`{field}`"))
        }
    };
    let doc = format!(
        "Every item of `{}`, page after page: the stream follows {follows} into `{}` until the last \
page, and ends after the first error. The builder's other parameters (the page size among them) \
apply to every page.",
        op.id, c.cursor_param
    );
    quote! {
        impl<'a> builder::#builder<'a> {
            #[doc = #doc]
            pub fn stream(self) -> ::portico::pagination::ItemStream<'a, types::#item> {
                ::portico::pagination::cursor(self, ::portico::pagination::Cursor {
                    send: Self::send,
                    split: |page: types::#page| {
                        let next = #next_expr;
                        (page.#items, next)
                    },
                    after: |builder: Self, cursor: String| builder.#param(cursor),
                })
            }
        }
    }
}

fn offset_stream(op: &Operation, o: &OffsetPage) -> TokenStream {
    let builder = format_ident!("{}", crate::facts::pascal(&op.id));
    let page = format_ident!("{}", o.page_type);
    let item = format_ident!("{}", o.item_type);
    let limit = format_ident!("{}", o.limit_param);
    let skip = format_ident!("{}", o.skip_param);
    let size = o.page_size;
    // typify gives an optional array property a `#[serde(default)]` `Vec`, never an `Option`; an
    // array schema becomes a newtype over `Vec`; a `oneOf` an untagged enum.
    let items_expr = match &o.items {
        ItemsAt::Field(field) => {
            let field = format_ident!("{}", field);
            quote!(page.#field)
        }
        ItemsAt::Whole => quote!(page.0),
        ItemsAt::Variant(variant) => {
            let variant = format_ident!("{}", variant);
            quote! {
                match page {
                    types::#page::#variant(list) => list.0,
                    #[allow(unreachable_patterns)]
                    _ => Vec::new(),
                }
            }
        }
    };
    // A 32-bit parameter's setter takes a 32-bit value; pages never get near its limit.
    let narrow = |int32: bool, value: TokenStream| {
        if int32 {
            quote!(u32::try_from(#value).unwrap_or(u32::MAX))
        } else {
            value
        }
    };
    let limit_arg = narrow(o.limit_int32, quote!(limit));
    let skip_arg = narrow(o.skip_int32, quote!(skip));
    let (doc, walker) = if o.numbered {
        let doc = format!(
            "Every item of `{id}`, page after page, {size} per request: the stream sets `{page}` \
(from 1) and `{amount}` itself, keeps the builder's other parameters, and ends after a page with \
fewer than {size} items, or after the first error.",
            id = op.id,
            page = o.skip_param,
            amount = o.limit_param,
        );
        let walker = quote! {
            ::portico::pagination::numbered(self, page_size, ::portico::pagination::Numbered {
                send: Self::send,
                items: |page: types::#page| #items_expr,
                page: |builder: Self, skip: u64, limit: u64| builder.#skip(#skip_arg).#limit(#limit_arg),
            })
        };
        (doc, walker)
    } else {
        let doc = format!(
            "Every item of `{id}`, page after page, {size} per request: the stream sets `{limit}` and \
`{skip}` itself (starting at 0), keeps the builder's other parameters, and ends after a page \
with fewer than {size} items, or after the first error.",
            id = op.id,
            limit = o.limit_param,
            skip = o.skip_param,
        );
        let walker = quote! {
            ::portico::pagination::offset(self, page_size, ::portico::pagination::Offset {
                send: Self::send,
                items: |page: types::#page| #items_expr,
                page: |builder: Self, limit: u64, skip: u64| builder.#limit(#limit_arg).#skip(#skip_arg),
            })
        };
        (doc, walker)
    };
    let sized_doc = "Like [`stream`](Self::stream), with `page_size` items per request. A page \
shorter than `page_size` ends the stream, so do not ask for more than the server returns at once.";
    quote! {
        impl<'a> builder::#builder<'a> {
            #[doc = #doc]
            pub fn stream(self) -> ::portico::pagination::ItemStream<'a, types::#item> {
                self.stream_with_page_size(#size)
            }

            #[doc = #sized_doc]
            pub fn stream_with_page_size(self, page_size: u64) -> ::portico::pagination::ItemStream<'a, types::#item> {
                #walker
            }
        }
    }
}

fn webhooks_module(facts: &Facts, w: &Webhooks) -> TokenStream {
    let title = &facts.title;
    let field = &w.type_field;
    let verification = match &w.token_header {
        Some(header) => format!(
            "{title} sends the webhook's secret (its `signature`) in the `{header}` header of every \
delivery. Call [`verify`] with the request headers and that secret before [`parse`]: it compares \
in constant time."
        ),
        None => format!(
            "**{title} documents no signature or token on webhook deliveries**, so a delivery cannot \
be proven to come from {title}. Treat every payload as untrusted input: use a long, unguessable \
webhook URL over HTTPS, and check ids in the payload against requests you made."
        ),
    };
    let module_doc = format!(
        "{title}'s webhook events, typed.\n\n[`parse`] reads a delivery's body into an [`Event`] by \
its `{field}` field; an event type this version does not know is kept raw in \
[`Event::Unknown`], never an error.\n\n{verification}"
    );
    let variants = w.events.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let schema = format_ident!("{}", e.schema);
        let doc = if e.description.is_empty() {
            format!("`{}`", e.event_type)
        } else {
            format!("`{}`: {}", e.event_type, e.description)
        };
        quote! { #[doc = #doc] #variant(super::types::#schema), }
    });
    let type_arms = w.events.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let value = &e.event_type;
        quote! { Event::#variant(_) => #value, }
    });
    let parse_arms = w.events.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let value = &e.event_type;
        quote! { #value => Event::#variant(::portico::webhooks::decode_event(&event_type, body)?), }
    });
    let parse_doc = format!(
        "Reads one webhook delivery's body.\n\nFails with [`ErrorKind::Decode`](crate::ErrorKind::Decode) \
when the body is not JSON, has no string `{field}`, or a known event does not have its documented \
shape.\n\n```\n\
let event = portico_{p}::webhooks::parse(r#\"{{\"{field}\": \"something_new\"}}\"#).unwrap();\n\
assert_eq!(event.event_type(), \"something_new\");\n\
assert!(matches!(event, portico_{p}::webhooks::Event::Unknown {{ .. }}));\n\
```",
        p = facts.provider,
    );
    let verify = w.token_header.as_ref().map(|header| {
        let doc = format!(
            "Checks that the `{header}` header carries the webhook's secret, in constant time. \
Fails with [`ErrorKind::Auth`](crate::ErrorKind::Auth) when it is missing or differs; the error \
never contains either value."
        );
        quote! {
            #[doc = #doc]
            pub fn verify(headers: &::reqwest::header::HeaderMap, secret: &str) -> Result<(), Error> {
                ::portico::webhooks::verify_token(headers, #header, secret)
            }
        }
    });
    quote! {
        pub mod webhooks {
            #![doc = #module_doc]

            use super::Error;

            /// One webhook delivery, by its type.
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// An event type this version does not know, kept as received.
                Unknown {
                    /// The type, as sent.
                    event_type: String,
                    /// The whole body.
                    body: ::serde_json::Value,
                },
            }

            impl Event {
                /// The event's type, as sent.
                pub fn event_type(&self) -> &str {
                    match self {
                        #(#type_arms)*
                        Event::Unknown { event_type, .. } => event_type,
                    }
                }
            }

            #[doc = #parse_doc]
            pub fn parse(body: impl AsRef<[u8]>) -> Result<Event, Error> {
                let (event_type, body) = ::portico::webhooks::read_event(body.as_ref(), #field)?;
                Ok(match event_type.as_str() {
                    #(#parse_arms)*
                    _ => Event::Unknown { event_type, body },
                })
            }

            #verify
        }
    }
}

/// Optional crates the generated types need.
#[derive(Debug, Clone, Copy)]
pub struct Uses {
    pub regress: bool,
    pub chrono: bool,
    pub uuid: bool,
}

/// The crate's manifest; dependencies follow what the generated types use.
pub fn cargo_toml(facts: &Facts, label: &str, uses: Uses) -> String {
    let mut deps = vec![
        "portico",
        "progenitor-client",
        "reqwest",
        "serde",
        "serde_json",
    ];
    if uses.regress {
        deps.push("regress");
    }
    if uses.chrono {
        deps.push("chrono");
    }
    if uses.uuid {
        deps.push("uuid");
    }
    let deps: String = deps
        .iter()
        .map(|d| format!("{d} = {{ workspace = true }}\n"))
        .collect();
    format!(
        "# Generated by `cargo xtask generate` from {label}. Do not edit: change the spec or the xtask, then regenerate.\n\
[package]\n\
name = \"portico-{p}\"\n\
description = \"Typed Rust client for the {title} API, generated by Portico.\"\n\
version.workspace = true\n\
edition.workspace = true\n\
rust-version.workspace = true\n\
license.workspace = true\n\
repository.workspace = true\n\
\n\
[features]\n\
# TLS, chosen in `portico` (its `tls` module): rustls (aws-lc-rs) by default, `rustls-ring`\n\
# (faster to build) or `native-tls`.\n\
default = [\"rustls\"]\n\
rustls = [\"portico/rustls\"]\n\
rustls-ring = [\"portico/rustls-ring\"]\n\
native-tls = [\"portico/native-tls\"]\n\
\n\
[dependencies]\n{deps}",
        p = facts.provider,
        title = facts.title,
    )
}

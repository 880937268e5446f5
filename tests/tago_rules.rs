//! TagoIO's rules on the wire: the envelope (an error inside it fails the call even on HTTP 200),
//! the two token scopes, bracketed query arrays, page and data pagination, per-route rate limits
//! by plan, and the 429 wait read from the message text.

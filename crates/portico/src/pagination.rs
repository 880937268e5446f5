//! Paginated lists as `Stream`s of items.
//!
//! Generated code gives each paginated operation's builder a `stream()` method built on the
//! functions here; the spec's `x-portico-pagination` says which operations and how.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, BoxStream};
use progenitor_client::ResponseValue;

use crate::error::{Error, ErrorKind, WireError};

/// `.next().await` and the other stream adapters for [`ItemStream`]s; provider crates with
/// paginated lists re-export it, so you need no extra dependency.
pub use futures_util::StreamExt;

/// A paginated list as a stream of items; ends after the last page or the first error.
pub type ItemStream<'a, T> = BoxStream<'a, Result<T, Error>>;

type PageResult<P> = Result<ResponseValue<P>, progenitor_client::Error<WireError>>;

/// What a page says about the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// This was the last page.
    End,
    /// Ask for the page after this cursor.
    After(String),
    /// The page says more follow but gives no cursor to ask for them.
    Missing,
}

/// How to walk a cursor-paginated list: fetch a page, split it into items and what comes next,
/// and ask for the page after a cursor.
pub struct Cursor<B, P, T, Fut> {
    /// Sends the request a builder describes.
    pub send: fn(B) -> Fut,
    /// The page's items and its cursor to the next page.
    pub split: fn(P) -> (Vec<T>, Next),
    /// The builder for the page after `cursor`.
    pub after: fn(B, String) -> B,
}

/// Streams every item of a cursor-paginated list, one page request at a time, starting with the
/// request `first` describes. The stream ends after the last page, or after the first error; a
/// server that repeats a cursor, or promises more pages without one, ends it with an error rather
/// than a loop.
pub fn cursor<'a, B, P, T, Fut>(first: B, walk: Cursor<B, P, T, Fut>) -> ItemStream<'a, T>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    Fut: Future<Output = PageResult<P>> + Send + 'a,
{
    struct State<B, T> {
        next: Option<B>,
        buffer: VecDeque<T>,
        last_cursor: Option<String>,
        // Delivered once the buffer is empty; ends the stream.
        failure: Option<Error>,
    }
    let state = State {
        next: Some(first),
        buffer: VecDeque::new(),
        last_cursor: None,
        failure: None,
    };
    stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(failure) = state.failure.take() {
                return Some((Err(failure), state));
            }
            let builder = state.next.take()?;
            let page = match (walk.send)(builder.clone()).await {
                Ok(page) => page.into_inner(),
                Err(e) => return Some((Err(Error::from(e)), state)),
            };
            let (items, next) = (walk.split)(page);
            match next {
                Next::End => {}
                Next::After(cursor) if state.last_cursor.as_ref() != Some(&cursor) => {
                    state.last_cursor = Some(cursor.clone());
                    state.next = Some((walk.after)(builder, cursor));
                }
                Next::After(_) => {
                    state.failure = Some(Error::new(
                        ErrorKind::Decode,
                        "the server gave the same cursor twice; stopping rather than looping",
                    ))
                }
                Next::Missing => {
                    state.failure = Some(Error::new(
                        ErrorKind::Decode,
                        "the server says more pages follow but gave no new cursor",
                    ))
                }
            }
            state.buffer.extend(items);
        }
    })
    .boxed()
}

/// How to walk an offset-paginated list (`limit` and `skip` parameters): fetch a page, take its
/// items, and ask for the page at an offset.
pub struct Offset<B, P, T, Fut> {
    /// Sends the request a builder describes.
    pub send: fn(B) -> Fut,
    /// The page's items.
    pub items: fn(P) -> Vec<T>,
    /// The builder for `limit` items starting after the first `skip`.
    pub page: fn(B, u64, u64) -> B,
}

/// Streams every item of an offset-paginated list, `page_size` items per request, starting at
/// offset 0 with the other parameters of `first`. The stream ends after a page shorter than
/// `page_size` (so `page_size` must not exceed the server's own maximum), or after the first
/// error.
pub fn offset<'a, B, P, T, Fut>(
    first: B,
    page_size: u64,
    walk: Offset<B, P, T, Fut>,
) -> ItemStream<'a, T>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    Fut: Future<Output = PageResult<P>> + Send + 'a,
{
    let page = walk.page;
    // Advance by what arrived: a server that returns more than asked skips nothing.
    sized(
        first,
        page_size,
        walk.send,
        walk.items,
        move |base, size, _, seen| page(base, size, seen),
    )
}

/// How to walk a page-numbered list (`page` from 1 and `amount` per page): fetch a page, take
/// its items, and ask for a numbered page.
pub struct Numbered<B, P, T, Fut> {
    /// Sends the request a builder describes.
    pub send: fn(B) -> Fut,
    /// The page's items.
    pub items: fn(P) -> Vec<T>,
    /// The builder for page `page` (1 for the first) of `amount` items.
    pub page: fn(B, u64, u64) -> B,
}

/// Streams every item of a page-numbered list, `page_size` items per request, from page 1 with
/// the other parameters of `first`. The stream ends after a page shorter than `page_size` (so
/// `page_size` must not exceed the server's own maximum), or after the first error.
pub fn numbered<'a, B, P, T, Fut>(
    first: B,
    page_size: u64,
    walk: Numbered<B, P, T, Fut>,
) -> ItemStream<'a, T>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    Fut: Future<Output = PageResult<P>> + Send + 'a,
{
    let page = walk.page;
    sized(
        first,
        page_size,
        walk.send,
        walk.items,
        move |base, size, pages, _| page(base, pages + 1, size),
    )
}

/// The walk both sized styles share: ask for `page_size` items at a time (`request` gets the
/// pages and items seen so far), stop after a short page or the first error.
fn sized<'a, B, P, T, Fut>(
    first: B,
    page_size: u64,
    send: fn(B) -> Fut,
    items: fn(P) -> Vec<T>,
    request: impl Fn(B, u64, u64, u64) -> B + Send + 'a,
) -> ItemStream<'a, T>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    Fut: Future<Output = PageResult<P>> + Send + 'a,
{
    struct State<B, T, R> {
        base: B,
        pages: u64,
        seen: u64,
        done: bool,
        buffer: VecDeque<T>,
        request: R,
    }
    let page_size = page_size.max(1);
    let state = State {
        base: first,
        pages: 0,
        seen: 0,
        done: false,
        buffer: VecDeque::new(),
        request,
    };
    stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            let next = (state.request)(state.base.clone(), page_size, state.pages, state.seen);
            let page = match send(next).await {
                Ok(page) => items(page.into_inner()),
                Err(e) => {
                    state.done = true;
                    return Some((Err(Error::from(e)), state));
                }
            };
            let count = page.len() as u64;
            state.pages += 1;
            state.seen += count;
            state.done = count < page_size;
            state.buffer.extend(page);
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    type Sent = Arc<Mutex<Vec<(u64, u64)>>>;

    /// A "builder" that records the page it asks for; pages hold `page * 10 + i` items.
    #[derive(Clone)]
    struct Request {
        page: u64,
        amount: u64,
        sent: Sent,
        total: u64,
    }

    async fn send(
        request: Request,
    ) -> Result<ResponseValue<Vec<u64>>, progenitor_client::Error<WireError>> {
        request
            .sent
            .lock()
            .unwrap()
            .push((request.page, request.amount));
        let start = (request.page - 1) * request.amount;
        let items: Vec<u64> = (start..request.total.min(start + request.amount)).collect();
        Ok(ResponseValue::new(
            items,
            http::StatusCode::OK,
            Default::default(),
        ))
    }

    #[tokio::test]
    async fn numbered_pages_from_one_until_a_short_page() {
        let sent = Sent::default();
        let first = Request {
            page: 0,
            amount: 0,
            sent: sent.clone(),
            total: 45,
        };
        let items: Vec<u64> = numbered(
            first,
            20,
            Numbered {
                send,
                items: |page: Vec<u64>| page,
                page: |b: Request, page, amount| Request { page, amount, ..b },
            },
        )
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(items, (0..45).collect::<Vec<_>>());
        assert_eq!(*sent.lock().unwrap(), [(1, 20), (2, 20), (3, 20)]);
    }

    #[tokio::test]
    async fn a_full_last_page_costs_one_empty_page() {
        let sent = Sent::default();
        let first = Request {
            page: 0,
            amount: 0,
            sent: sent.clone(),
            total: 40,
        };
        let count = numbered(
            first,
            20,
            Numbered {
                send,
                items: |page: Vec<u64>| page,
                page: |b: Request, page, amount| Request { page, amount, ..b },
            },
        )
        .count()
        .await;
        assert_eq!(count, 40);
        assert_eq!(sent.lock().unwrap().len(), 3);
    }
}

//! One hash in flight, awaited by every identical check (singleflight): a one-shot result slot
//! that threads wait on with a [`Condvar`] and futures with a [`Waker`]. Std only, no executor.

use std::net::IpAddr;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// How a hash job ended, shared by every check waiting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The password matched the user's stored hash.
    Match,
    /// It did not (or the user is unknown, or the stored hash is unusable).
    NoMatch,
}

#[derive(Debug, Default)]
struct State {
    outcome: Option<Outcome>,
    wakers: Vec<Waker>,
    /// The client address of every check that joined, so that the throttle counts each attempt
    /// when the hash ends, even one whose caller has gone away meanwhile.
    clients: Vec<IpAddr>,
}

/// The slot of one hash in flight.
#[derive(Debug, Default)]
pub(crate) struct Flight {
    state: Mutex<State>,
    done: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing in this module panics while holding the lock; a poisoned one is still consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Flight {
    /// A slot with its first attempt's client.
    pub(crate) fn new(client: IpAddr) -> Self {
        let flight = Self::default();
        lock(&flight.state).clients.push(client);
        flight
    }

    /// Adds the client of a check that joins. Returns `false` when the outcome is already in
    /// (the caller then starts a hash of its own).
    pub(crate) fn join(&self, client: IpAddr) -> bool {
        let mut state = lock(&self.state);
        if state.outcome.is_some() {
            return false;
        }
        state.clients.push(client);
        true
    }

    /// Runs `record` on the clients that attempted, sets the outcome (so a caller that sees the
    /// outcome also sees its attempt counted), then wakes every waiter.
    pub(crate) fn complete(&self, outcome: Outcome, record: impl FnOnce(&[IpAddr])) {
        let wakers = {
            let mut state = lock(&self.state);
            // Under the lock: no check joins between the count and the outcome.
            record(&std::mem::take(&mut state.clients));
            state.outcome = Some(outcome);
            std::mem::take(&mut state.wakers)
        };
        self.done.notify_all();
        for waker in wakers {
            waker.wake();
        }
    }

    /// Blocks the calling thread until the outcome is in.
    pub(crate) fn wait(&self) -> Outcome {
        let mut state = lock(&self.state);
        loop {
            if let Some(outcome) = state.outcome {
                return outcome;
            }
            state = self
                .done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Polls for the outcome, registering `cx`'s waker when it is not in yet.
    pub(crate) fn poll(&self, cx: &Context<'_>) -> Poll<Outcome> {
        let mut state = lock(&self.state);
        if let Some(outcome) = state.outcome {
            return Poll::Ready(outcome);
        }
        let waker = cx.waker();
        if !state.wakers.iter().any(|w| w.will_wake(waker)) {
            state.wakers.push(waker.clone());
        }
        Poll::Pending
    }
}

//! The bounded pool of std threads that runs password hashes: never an async executor's thread,
//! and never an unbounded queue. A job is admitted while fewer than `workers + queue` jobs are
//! admitted and unfinished; otherwise the caller is told at once ([`Pool::try_submit`] fails).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

/// A job gets its admission [`Permit`], and releases it by dropping it (as soon as its hash is
/// done, before it hands out the result: a caller that sees the result can be admitted again).
pub(crate) type Job = Box<dyn FnOnce(Permit) + Send + 'static>;

/// One admitted job's slot; dropping it frees the slot.
pub(crate) struct Permit {
    shared: Arc<Shared>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        lock(&self.shared.queue).admitted -= 1;
    }
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// Jobs admitted and not finished (queued or running).
    admitted: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    stop: AtomicBool,
    capacity: usize,
}

fn lock(m: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // Jobs run outside the lock; a poisoned lock still holds a consistent queue.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A fixed set of worker threads with a bounded admission count.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    workers: usize,
}

impl core::fmt::Debug for Pool {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.workers)
            .field("capacity", &self.shared.capacity)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Starts `workers` threads (at least one) that together admit `workers + queue` jobs.
    pub(crate) fn new(workers: usize, queue: usize) -> std::io::Result<Self> {
        let workers = workers.max(1);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
            capacity: workers.saturating_add(queue),
        });
        for i in 0..workers {
            let shared = Arc::clone(&shared);
            // Threads are detached: they end when the pool is dropped and the queue is empty.
            thread::Builder::new()
                .name(format!("htpasswd-hash-{i}"))
                .spawn(move || work(&shared))?;
        }
        Ok(Self { shared, workers })
    }

    /// Number of worker threads.
    pub(crate) fn workers(&self) -> usize {
        self.workers
    }

    /// Admits `job`, or hands it back when `workers + queue` jobs are already admitted.
    pub(crate) fn try_submit(&self, job: Job) -> Result<(), Job> {
        {
            let mut queue = lock(&self.shared.queue);
            if queue.admitted >= self.shared.capacity {
                return Err(job);
            }
            queue.admitted += 1;
            queue.jobs.push_back(job);
        }
        self.shared.ready.notify_one();
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.ready.notify_all();
    }
}

fn work(shared: &Arc<Shared>) {
    loop {
        let job = {
            let mut queue = lock(&shared.queue);
            loop {
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                if shared.stop.load(Ordering::Acquire) {
                    return;
                }
                queue = shared
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let permit = Permit {
            shared: Arc::clone(shared),
        };
        // A panicking job (none is expected: hashing does not panic on any input) must not
        // take the worker down; its permit is released by the unwinding.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || job(permit)));
    }
}

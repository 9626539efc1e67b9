//! Work on all cores, results in input order: the one place the crate
//! spreads a list of independent jobs over threads.
//!
//! Each worker takes the next item when it is free (work stealing by
//! index), so a list whose heavy items sit together (all contracts after
//! all vendor files) or a busy core does not leave a thread idle. The
//! calling thread works too; when no thread can be had, it does everything.
//! A map inside another map's job runs on the thread it is called from:
//! the outer map already keeps every core busy (a batch renders many
//! documents at once; one document alone compresses its streams on all
//! cores).

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// Whether this thread is doing a job of a map on several threads.
    static IN_A_JOB: Cell<bool> = const { Cell::new(false) };
}

/// The number of threads to use when asked for `threads` (0: all cores).
pub fn threads(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// `f` over `items` on up to `threads` threads (0: all cores), in order.
pub fn map<'a, T, R, F>(items: &'a [T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> R + Sync,
{
    map_with_stack(items, threads, None, f)
}

/// [`map`] with a stack of `stack_bytes` for each spawned thread (deeply
/// recursive work such as expression evaluation).
pub fn map_with_stack<'a, T, R, F>(items: &'a [T], threads: usize, stack_bytes: Option<usize>, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> R + Sync,
{
    let threads = self::threads(threads).min(items.len());
    if threads <= 1 || IN_A_JOB.get() {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let _job = Job::enter();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let spawned: Vec<_> = (1..threads)
            .filter_map(|_| {
                let builder = std::thread::Builder::new();
                let builder = match stack_bytes {
                    Some(bytes) => builder.stack_size(bytes),
                    None => builder,
                };
                builder.spawn_scoped(scope, work).ok()
            })
            .collect();
        let mine = work();
        let theirs = spawned.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        for (i, result) in std::iter::once(mine).chain(theirs).flatten() {
            results[i] = Some(result);
        }
    });
    results.into_iter().map(|r| r.expect("every item was taken by a worker")).collect()
}

/// Marks the thread as doing a map's jobs until dropped (also when a job panics).
struct Job {
    outside: bool,
}

impl Job {
    fn enter() -> Job {
        Job { outside: IN_A_JOB.replace(true) }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        IN_A_JOB.set(self.outside);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        let want: Vec<u64> = items.iter().map(|i| i * i).collect();
        for threads in [1, 2, 3, 8, 2000] {
            assert_eq!(map(&items, threads, |i| i * i), want, "{threads} threads");
        }
        assert_eq!(map(&items, 2, |i| i * i), map_with_stack(&items, 2, Some(1 << 20), |i| i * i));
    }

    #[test]
    fn every_item_is_done_once_even_when_items_differ_in_cost() {
        let calls = AtomicUsize::new(0);
        // The heavy items all sit at the end, as contracts after vendor files.
        let items: Vec<u32> = (0..200).map(|i| if i < 100 { 1 } else { 2000 }).collect();
        let sums = map(&items, 2, |&n| {
            calls.fetch_add(1, Ordering::Relaxed);
            (0..n).map(u64::from).sum::<u64>()
        });
        assert_eq!(calls.load(Ordering::Relaxed), 200);
        assert_eq!(sums[0], 0);
        assert_eq!(sums[199], 1999 * 2000 / 2);
    }

    #[test]
    fn a_map_inside_a_job_runs_on_the_jobs_thread() {
        let outer: Vec<u32> = (0..4).collect();
        let inner: Vec<u32> = (0..64).collect();
        let nested = map(&outer, 2, |_| {
            assert!(IN_A_JOB.get());
            (std::thread::current().id(), map(&inner, 2, |_| std::thread::current().id()))
        });
        for (job, inner_ids) in &nested {
            assert!(inner_ids.iter().all(|id| id == job), "the inner map stayed on its job's thread");
        }
        // The calling thread is itself again: its next map may use threads.
        assert!(!IN_A_JOB.get());
        // A map of one item runs on the caller without making it a job.
        assert_eq!(map(&[1u8], 2, |_| IN_A_JOB.get()), [false]);
        // A job that panics leaves its thread unmarked.
        let panicked = std::panic::catch_unwind(|| map(&outer, 2, |&i| assert_ne!(i, 0)));
        assert!(panicked.is_err() && !IN_A_JOB.get());
    }

    #[test]
    fn an_empty_list_gives_an_empty_result() {
        assert!(map(&[] as &[u8], 0, |b| *b).is_empty());
    }
}

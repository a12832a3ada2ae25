//! Byte buffers handed back after use: each batch's output and each BGZF block reuse memory
//! that is already mapped, instead of fresh pages that the kernel must fault in and zero (the
//! allocator returns freed multi-megabyte buffers to the kernel). Bounded: a pool keeps at most
//! `keep` buffers, the rest are freed.

use std::sync::Mutex;

/// A bounded stack of spare buffers, shared by the threads of one run.
#[derive(Debug)]
pub(crate) struct BufferPool {
    free: Mutex<Vec<Vec<u8>>>,
    keep: usize,
}

impl BufferPool {
    /// A pool keeping at most `keep` spare buffers.
    pub(crate) fn new(keep: usize) -> Self {
        Self {
            free: Mutex::new(Vec::with_capacity(keep)),
            keep,
        }
    }

    /// An empty buffer with room for at least `capacity` bytes: the most recent spare that is
    /// large enough, else a new one with an eighth more room, so that it fits the slightly
    /// larger requests that follow (growing a spare would copy it into fresh pages).
    pub(crate) fn take(&self, capacity: usize) -> Vec<u8> {
        let spare = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            free.iter()
                .rposition(|b| b.capacity() >= capacity)
                .map(|i| free.swap_remove(i))
        };
        match spare {
            Some(mut v) => {
                v.clear();
                v
            }
            None => Vec::with_capacity(capacity.saturating_add(capacity / 8)),
        }
    }

    /// Returns `buf` for reuse. When the pool is full, its smallest buffer is freed (`buf`
    /// itself if that is the smallest): the pool keeps the buffers that fit most requests.
    pub(crate) fn give(&self, buf: Vec<u8>) {
        if buf.capacity() == 0 {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < self.keep {
            free.push(buf);
        } else if let Some(i) = (0..free.len()).min_by_key(|&i| free[i].capacity())
            && free[i].capacity() < buf.capacity()
        {
            free[i] = buf;
        }
    }
}

/// The two pools of one run: whole batch outputs, and block-sized buffers (uncompressed pieces
/// that straddle batches, compressed blocks).
#[derive(Debug)]
pub(crate) struct Buffers {
    /// Batch outputs (about a batch's input size each).
    pub batches: BufferPool,
    /// BGZF block buffers (at most 64 KiB each).
    pub blocks: BufferPool,
}

impl Buffers {
    /// Pools sized for `window` batches and `blocks` blocks in flight.
    pub(crate) fn new(window: usize, blocks: usize) -> Self {
        Self {
            batches: BufferPool::new(window),
            blocks: BufferPool::new(blocks),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_up_to_keep_buffers() {
        let pool = BufferPool::new(1);
        let mut a = pool.take(100);
        a.extend_from_slice(b"abc");
        let ptr = a.as_ptr();
        pool.give(a);
        pool.give(Vec::with_capacity(10)); // over `keep`: freed
        let b = pool.take(50);
        assert!(b.is_empty());
        assert_eq!(b.as_ptr(), ptr, "the spare buffer comes back");
        assert!(pool.take(8).capacity() >= 8);
    }
}

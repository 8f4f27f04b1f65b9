//! Program ids as bpf(2) hands them out: increasing from 1, wrapping after `i32::MAX`, and never
//! one that is still in use (after a wrap, long-lived programs keep their low ids).

/// The id counter.
pub struct IdCounter {
    last: u32,
}

/// Largest id (ids are positive `i32`s, as bpf's).
pub const ID_MAX: u32 = i32::MAX as u32;

impl IdCounter {
    pub const fn new() -> Self {
        IdCounter { last: 0 }
    }

    /// The next id that `in_use` does not claim. Terminates as long as fewer than `ID_MAX` ids
    /// are in use (the kernel holds at most a few thousand programs): it skips at most as
    /// many ids as are in use.
    pub fn next(&mut self, in_use: impl Fn(u32) -> bool) -> u32 {
        loop {
            self.last = if self.last >= ID_MAX {
                1
            } else {
                self.last + 1
            };
            if !in_use(self.last) {
                return self.last;
            }
        }
    }
}

impl Default for IdCounter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_from_one() {
        let mut ids = IdCounter::new();
        assert_eq!(
            [
                ids.next(|_| false),
                ids.next(|_| false),
                ids.next(|_| false)
            ],
            [1, 2, 3]
        );
    }

    #[test]
    fn after_the_wrap_ids_in_use_are_skipped() {
        let mut ids = IdCounter { last: ID_MAX - 1 };
        assert_eq!(ids.next(|_| false), ID_MAX);
        // 1 and 2 still belong to long-lived programs, 4 too.
        let in_use = |id| [1, 2, 4].contains(&id);
        assert_eq!(ids.next(in_use), 3);
        assert_eq!(ids.next(in_use), 5);
    }

    #[test]
    fn the_last_id_in_use_is_skipped_too() {
        let mut ids = IdCounter { last: ID_MAX - 2 };
        assert_eq!(ids.next(|id| id == ID_MAX - 1), ID_MAX);
        assert_eq!(ids.next(|id| id == 1), 2);
    }
}

//! Counting test results from libtest's `test result:` lines.

/// Totals over any number of test binaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Totals {
    pub fn add(&mut self, other: Totals) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

/// Sums every `test result: ok. 3 passed; 1 failed; 0 ignored; ...` line in `output`.
pub fn parse(output: &str) -> Totals {
    let mut t = Totals::default();
    for line in output.lines() {
        let Some(pos) = line.find("test result:") else {
            continue;
        };
        let rest = &line[pos..];
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => t.passed += n,
                "failed" => t.failed += n,
                "ignored" => t.ignored += n,
                _ => {}
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_result_lines() {
        let out = "running 3 tests\n\
test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
  | test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            parse(out),
            Totals {
                passed: 5,
                failed: 1,
                ignored: 1
            }
        );
    }
}

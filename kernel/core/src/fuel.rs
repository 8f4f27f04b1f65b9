//! Fuel accounting outside the generated code: refilling from the reserve when a check finds the
//! fuel spent (`HELPER_FUEL_EXHAUSTED`), and charging the bulk helpers. Both platforms' helpers
//! call these.

use super::hooks::trap::TRAP_OUT_OF_FUEL;
use super::hooks::vmctx::VmCtx;

/// Moves fuel from `vm.fuel_reserve` into `vm.fuel`, `slice` at a time, until `fuel` is
/// positive; false when the reserve ran out first (what it had is moved all the same). Nothing
/// moves while `fuel` is positive. A `slice` below 1 counts as 1.
pub fn refill(vm: &mut VmCtx, slice: i64) -> bool {
    if vm.fuel > 0 {
        return true;
    }
    let slice = slice.max(1);
    // Slices needed to bring fuel to at least 1.
    let deficit = 1i64.saturating_sub(vm.fuel);
    let slices = deficit / slice + i64::from(deficit % slice != 0);
    let want = slices.saturating_mul(slice);
    let moved = want.min(vm.fuel_reserve.max(0));
    vm.fuel_reserve -= moved;
    vm.fuel = vm.fuel.saturating_add(moved);
    vm.fuel > 0
}

/// Charges `units` of fuel for work done outside the generated code (a bulk operation), before
/// it is done: when that leaves the fuel negative, refills (as [`refill`]), and when that
/// fails returns `Err(TRAP_OUT_OF_FUEL)` with the fuel left charged (the run is over anyway).
pub fn charge(vm: &mut VmCtx, units: u64, slice: i64) -> Result<(), u32> {
    let units = i64::try_from(units).unwrap_or(i64::MAX);
    vm.fuel = vm.fuel.saturating_sub(units);
    if vm.fuel >= 0 || refill(vm, slice) {
        Ok(())
    } else {
        Err(TRAP_OUT_OF_FUEL)
    }
}

/// What pays for work done outside the generated code (the bulk helpers). A vmctx pays as
/// [`charge`] does, refilling from its reserve when needed; a platform that does more at slice
/// boundaries (the kernel reschedules and checks for signals there) wraps it.
pub trait Pay {
    fn pay(&mut self, units: u64) -> Result<(), u32>;
}

impl Pay for VmCtx {
    fn pay(&mut self, units: u64) -> Result<(), u32> {
        charge(self, units, super::hooks::fuel::FUEL_SLICE)
    }
}

/// A run's fuel as the host hands it over: what the code may spend before its next check
/// (`fuel`) and the rest of the budget (`reserve`), moved over a slice at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meter {
    pub fuel: i64,
    pub reserve: i64,
}

impl Meter {
    /// A run the host starts with `total` fuel: the first slice now, the rest in reserve, so
    /// the run comes back to the host (`HELPER_FUEL_EXHAUSTED`) at least every `slice` units.
    pub fn budget(total: u64, slice: i64) -> Meter {
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        let fuel = total.min(slice.max(1));
        Meter {
            fuel,
            reserve: total - fuel,
        }
    }

    /// What the running code holds now: a call into another program continues with it (the
    /// callee spends from the caller's slice and reserve, and gives back what is left), so a
    /// call never grants a fresh budget or a fresh slice.
    pub fn of(vm: &VmCtx) -> Meter {
        Meter {
            fuel: vm.fuel,
            reserve: vm.fuel_reserve,
        }
    }

    pub fn load_into(self, vm: &mut VmCtx) {
        vm.fuel = self.fuel;
        vm.fuel_reserve = self.reserve;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_start_with_one_slice_and_keep_the_rest() {
        assert_eq!(
            Meter::budget(1000, 100),
            Meter {
                fuel: 100,
                reserve: 900
            }
        );
        assert_eq!(
            Meter::budget(50, 100),
            Meter {
                fuel: 50,
                reserve: 0
            }
        );
        assert_eq!(
            Meter::budget(u64::MAX, 100),
            Meter {
                fuel: 100,
                reserve: i64::MAX - 100
            }
        );
        let mut v = vm(0, 0);
        Meter {
            fuel: 7,
            reserve: 9,
        }
        .load_into(&mut v);
        assert_eq!(
            Meter::of(&v),
            Meter {
                fuel: 7,
                reserve: 9
            }
        );
    }

    fn vm(fuel: i64, reserve: i64) -> VmCtx {
        VmCtx {
            fuel,
            fuel_reserve: reserve,
            ..Default::default()
        }
    }

    #[test]
    fn refill_moves_one_slice_when_one_is_enough() {
        let mut v = vm(-1, 1000);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (99, 900));
        let mut v = vm(0, 1000);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (100, 900));
    }

    #[test]
    fn refill_moves_as_many_slices_as_a_deep_overdraft_needs() {
        let mut v = vm(-250, 1000);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (50, 700));
        let mut v = vm(-300, 1000);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (100, 600));
    }

    #[test]
    fn refill_fails_when_the_reserve_cannot_cover_the_overdraft() {
        let mut v = vm(-5, 0);
        assert!(!refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (-5, 0));
        let mut v = vm(-500, 300);
        assert!(!refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (-200, 0));
        // The last bit of the reserve is handed out, even if less than a slice.
        let mut v = vm(-10, 30);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (20, 0));
    }

    #[test]
    fn refill_leaves_positive_fuel_and_odd_arguments_alone() {
        let mut v = vm(7, 1000);
        assert!(refill(&mut v, 100));
        assert_eq!((v.fuel, v.fuel_reserve), (7, 1000));
        let mut v = vm(-1, -50);
        assert!(!refill(&mut v, 100), "a negative reserve is empty");
        assert_eq!((v.fuel, v.fuel_reserve), (-1, -50));
        let mut v = vm(-3, 10);
        assert!(refill(&mut v, 0), "slices below 1 count as 1");
        assert_eq!((v.fuel, v.fuel_reserve), (1, 6));
        let mut v = vm(i64::MIN, i64::MAX);
        assert!(!refill(&mut v, i64::MAX));
        assert_eq!(v.fuel_reserve, 0);
    }

    #[test]
    fn charge_refills_before_giving_up() {
        let mut v = vm(10, 0);
        assert_eq!(charge(&mut v, 10, 100), Ok(()));
        assert_eq!(v.fuel, 0);
        assert_eq!(charge(&mut v, 1, 100), Err(TRAP_OUT_OF_FUEL));
        let mut v = vm(10, 1000);
        assert_eq!(charge(&mut v, 150, 100), Ok(()));
        assert_eq!((v.fuel, v.fuel_reserve), (60, 800));
        let mut v = vm(10, 1000);
        assert_eq!(charge(&mut v, u64::MAX, 100), Err(TRAP_OUT_OF_FUEL));
    }
}

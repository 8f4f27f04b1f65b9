//! `PROG_TEST_RUN`: running an export with arguments, or a hook program on a packet.
//!
//! Checked only in the VM: both runs (the packet run's context and verdict especially).

use super::Program;
use crate::link::{Family, Hook};
use crate::sys::{attr_size, fd_arg, user_ptr};
use crate::Error;
use kwasm_hooks::attr::TestRunAttr;
use kwasm_hooks::ioctl::KWASM_IOC_PROG_TEST_RUN;
use kwasm_hooks::netfilter::{NfCtx, VERDICT_ACCEPT, VERDICT_DROP};
use serde::Serialize;
use std::os::fd::AsFd;

/// The outcome of a test run of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestRun {
    /// 0, or the trap code (`kwasm_hooks::trap`).
    pub trap: u32,
    /// Result slots (empty after a trap): i32 zero-extended, floats as their bits.
    pub results: Vec<u64>,
    pub duration_ns: u64,
}

/// What a hook does with a packet, as netfilter's `NF_DROP` / `NF_ACCEPT`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Drop,
    #[default]
    Accept,
}

impl Verdict {
    pub fn raw(self) -> u32 {
        match self {
            Verdict::Drop => VERDICT_DROP,
            Verdict::Accept => VERDICT_ACCEPT,
        }
    }

    /// "drop" or "accept".
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Drop => "drop",
            Verdict::Accept => "accept",
        }
    }

    pub fn from_raw(raw: u32) -> Option<Verdict> {
        match raw {
            VERDICT_DROP => Some(Verdict::Drop),
            VERDICT_ACCEPT => Some(Verdict::Accept),
            _ => None,
        }
    }
}

/// The packet's surroundings for [`Program::test_run_packet`]; the rest of the context is
/// computed from the packet, as the hook does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketOptions {
    pub family: Family,
    pub hook: Hook,
    pub ifindex_in: u32,
    pub ifindex_out: u32,
    pub mark: u32,
    /// Runs (at least 1); the verdict is the last one's.
    pub repeat: u32,
    /// Fuel per run (0: the program's default).
    pub fuel: u64,
}

impl Default for PacketOptions {
    fn default() -> Self {
        PacketOptions {
            family: Family::Ipv4,
            hook: Hook::LocalIn,
            ifindex_in: 0,
            ifindex_out: 0,
            mark: 0,
            repeat: 1,
            fuel: 0,
        }
    }
}

/// The outcome of a test run on a packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PacketRun {
    /// The hook's verdict of the last run, raw (the default verdict when the run failed).
    pub retval: u32,
    /// 0, or the trap code of the last run.
    pub trap: u32,
    pub duration_ns: u64,
}

impl PacketRun {
    pub fn verdict(&self) -> Option<Verdict> {
        Verdict::from_raw(self.retval)
    }
}

impl Program {
    /// Runs export `name` `repeat` times with `args` (one 8-byte slot each: i32 zero-extended,
    /// floats as bits); `nslots` must cover the export's parameters and results. `fuel` 0: the
    /// program's default.
    ///
    /// ```no_run
    /// let prog = kwasm::Program::load("add.wasm")?;
    /// let run = prog.test_run("add", &[40, 2], 2, 1, 0)?;
    /// assert_eq!((run.trap, run.results), (0, vec![42]));
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn test_run(
        &self,
        name: &str,
        args: &[u64],
        nslots: usize,
        repeat: u32,
        fuel: u64,
    ) -> Result<TestRun, Error> {
        let mut slots = vec![0u64; nslots.max(args.len())];
        slots[..args.len()].copy_from_slice(args);
        let mut attr = TestRunAttr {
            size: attr_size::<TestRunAttr>(),
            prog_fd: fd_arg(self.as_fd()),
            name: user_ptr(name.as_bytes()),
            name_len: name.len() as u32,
            nslots: slots.len() as u32,
            slots: slots.as_mut_ptr() as u64,
            repeat,
            fuel,
            ..Default::default()
        };
        self.dev.call(
            KWASM_IOC_PROG_TEST_RUN,
            "KWASM_IOC_PROG_TEST_RUN",
            &mut attr,
        )?;
        let n = (attr.nresults as usize).min(slots.len());
        Ok(TestRun {
            trap: attr.trap,
            results: slots[..n].to_vec(),
            duration_ns: attr.duration_ns,
        })
    }

    /// Runs a hook program on `packet` (bytes from the network header) by the hook's own path.
    ///
    /// ```no_run
    /// use kwasm::{PacketOptions, Verdict};
    /// let prog = kwasm::Program::from_pin("firewall/prog")?;
    /// let packet = [0x45u8, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    /// let run = prog.test_run_packet(&packet, &PacketOptions::default())?;
    /// assert_eq!(run.verdict(), Some(Verdict::Accept));
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn test_run_packet(&self, packet: &[u8], opts: &PacketOptions) -> Result<PacketRun, Error> {
        let ctx = NfCtx {
            hook: opts.hook.raw(),
            family: opts.family.raw(),
            ifindex_in: opts.ifindex_in,
            ifindex_out: opts.ifindex_out,
            mark: opts.mark,
            ..Default::default()
        }
        .to_bytes();
        let mut attr = TestRunAttr {
            size: attr_size::<TestRunAttr>(),
            prog_fd: fd_arg(self.as_fd()),
            repeat: opts.repeat.max(1),
            fuel: opts.fuel,
            data_in: user_ptr(packet),
            data_len: packet.len() as u32,
            ctx_in_len: ctx.len() as u32,
            ctx_in: user_ptr(&ctx),
            ..Default::default()
        };
        self.dev.call(
            KWASM_IOC_PROG_TEST_RUN,
            "KWASM_IOC_PROG_TEST_RUN",
            &mut attr,
        )?;
        Ok(PacketRun {
            retval: attr.retval,
            trap: attr.trap,
            duration_ns: attr.duration_ns,
        })
    }
}

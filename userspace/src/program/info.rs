//! `PROG_GET_INFO`: what the kernel knows of a program.

use super::{Program, ProgramType};
use crate::sys::{attr_size, fd_arg};
use crate::Error;
use kwasm_hooks::attr::ProgInfoAttr;
use kwasm_hooks::ioctl::KWASM_IOC_PROG_GET_INFO;
use kwasm_hooks::map::{limits::PROG_MAPS_MAX, name_bytes};
use serde::Serialize;
use std::os::fd::AsFd;

/// What `KWASM_IOC_PROG_GET_INFO` reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgInfo {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: ProgramType,
    pub name: String,
    pub code_size: u64,
    pub memory_size: u64,
    pub run_count: u64,
    pub run_time_ns: u64,
    /// When it was loaded (monotonic clock), as bpf's `load_time`.
    pub load_time_ns: u64,
    /// How long the load took, and how much of it was the kernel compiling the wasm.
    pub load_duration_ns: u64,
    pub compile_time_ns: u64,
    /// Most memory the kernel's compile of it held at once.
    pub compile_peak_bytes: u64,
    /// Deepest use of its wasm stack so far, host calls included.
    pub stack_max_bytes: u64,
    /// Runs that trapped, indexed by trap code (`kwasm_hooks::trap`; `traps[0]` is unused).
    pub traps: Vec<u64>,
    /// Instances: one per possible CPU for hook programs, else 1.
    pub instances: u32,
    /// The ids of the maps it uses.
    pub map_ids: Vec<u32>,
}

impl ProgInfo {
    /// Runs that trapped, whatever the code.
    pub fn traps_total(&self) -> u64 {
        self.traps.iter().sum()
    }

    fn from_attr(attr: &ProgInfoAttr, map_ids: &[u32]) -> ProgInfo {
        ProgInfo {
            id: attr.id,
            prog_type: ProgramType::from_raw(attr.prog_type),
            name: String::from_utf8_lossy(name_bytes(&attr.name)).into_owned(),
            code_size: attr.code_size,
            memory_size: attr.memory_size,
            run_count: attr.run_count,
            run_time_ns: attr.run_time_ns,
            load_time_ns: attr.load_time_ns,
            load_duration_ns: attr.load_duration_ns,
            compile_time_ns: attr.compile_time_ns,
            compile_peak_bytes: attr.compile_peak_bytes,
            stack_max_bytes: attr.stack_max_bytes,
            traps: attr.traps.to_vec(),
            instances: attr.instances,
            map_ids: map_ids[..(attr.nr_map_ids as usize).min(map_ids.len())].to_vec(),
        }
    }
}

impl Program {
    /// Its id, type, name, sizes, run stats, traps by code, instances and map ids.
    ///
    /// ```no_run
    /// let prog = kwasm::Program::load("filter.wasm")?;
    /// let info = prog.info()?;
    /// println!("{} runs, {} traps", info.run_count, info.traps_total());
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn info(&self) -> Result<ProgInfo, Error> {
        // A program uses at most PROG_MAPS_MAX maps, so one buffer always has room.
        let mut map_ids = vec![0u32; PROG_MAPS_MAX as usize];
        let mut attr = ProgInfoAttr {
            size: attr_size::<ProgInfoAttr>(),
            prog_fd: fd_arg(self.as_fd()),
            map_ids: map_ids.as_mut_ptr() as u64,
            nr_map_ids: map_ids.len() as u32,
            ..Default::default()
        };
        self.dev.call(
            KWASM_IOC_PROG_GET_INFO,
            "KWASM_IOC_PROG_GET_INFO",
            &mut attr,
        )?;
        Ok(ProgInfo::from_attr(&attr, &map_ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let mut attr = ProgInfoAttr {
            id: 7,
            prog_type: 1,
            nr_map_ids: 2,
            instances: 4,
            ..Default::default()
        };
        attr.name[..3].copy_from_slice(b"f_w");
        attr.traps[10] = 3;
        let info = ProgInfo::from_attr(&attr, &[5, 9, 0, 0]);
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["id"], 7);
        assert_eq!(json["type"], "netfilter");
        assert_eq!(json["name"], "f_w");
        assert_eq!(json["map_ids"], serde_json::json!([5, 9]));
        assert_eq!(json["instances"], 4);
        assert_eq!(json["traps"][10], 3);
        assert_eq!(info.traps_total(), 3);
    }
}

//! The example guests, built by `cargo xtask guest`, are modules the kernel's netfilter loader
//! accepts: they compile, declare exactly their maps, import only `kwasm` host functions with
//! their ABI signatures, export the entry and the buffer global, and fit the hook's memory.

mod support;

use kwasm_hooks::host_fns;
use kwasm_hooks::map::*;
use kwasm_hooks::netfilter::{BUFFER_EXPORT, BUFFER_SIZE, ENTRY};
use kwasm_hooks::prog_type::HOOK_MEMORY_DEFAULT;
use kwasm_hooks::vmctx::PAGE_SIZE;
use support::{build, host::maps_of, inspect, PACKET_COUNTER, PORT_FILTER};
use wasmparser::ValType;

/// (name, type, key size, value size, max entries).
type Decl = (&'static str, u32, u32, u32, u32);

fn check(dir: &str, want: &[Decl]) {
    let Some(wasm) = build(dir) else { return };
    kwasm_compiler::compile(&wasm, &Default::default())
        .unwrap_or_else(|e| panic!("{dir}: the compiler refuses it: {e}"));
    let info = inspect(&wasm);

    let section = info.maps_section.as_deref().expect("no kwasm.maps section");
    let mut got: Vec<_> = maps_of(section)
        .iter()
        .map(|d| {
            let name = String::from_utf8_lossy(d.name()).into_owned();
            (
                name,
                d.map_type,
                d.key_size,
                d.value_size,
                d.max_entries,
                d.flags,
            )
        })
        .collect();
    let mut want: Vec<_> = want
        .iter()
        .map(|&(name, t, k, v, max)| (name.to_string(), t, k, v, max, 0))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{dir}: declared maps");

    for import in &info.imports {
        if import.module == "env" {
            continue;
        }
        assert_eq!(import.module, host_fns::MODULE, "{dir}: import {import:?}");
        let sig = host_fns::ALL
            .iter()
            .find(|s| s.name == import.name)
            .unwrap_or_else(|| panic!("{dir}: {} is not a kwasm host function", import.name));
        let (params, results) = import
            .func
            .as_ref()
            .expect("a kwasm import that is not a function");
        assert_eq!(
            (&params[..], &results[..]),
            (sig.params, sig.results),
            "{dir}: {}",
            sig.name
        );
    }

    let i32 = kwasm_hooks::artifact::VAL_I32;
    assert_eq!(
        info.func_exports.get(ENTRY),
        Some(&(vec![i32], vec![i32])),
        "{dir}: {ENTRY}"
    );
    let &(ty, mutable, init) = info.global_exports.get(BUFFER_EXPORT).expect(BUFFER_EXPORT);
    assert_eq!(
        (ty, mutable),
        (ValType::I32, false),
        "{dir}: {BUFFER_EXPORT}"
    );
    let buffer = init.expect("the buffer global is not an i32.const") as u32 as u64;
    let memory = info.memory_pages.expect("no memory") * PAGE_SIZE;
    assert!(
        buffer + u64::from(BUFFER_SIZE) <= memory,
        "{dir}: buffer outside the initial memory"
    );
    assert!(
        memory <= HOOK_MEMORY_DEFAULT,
        "{dir}: initial memory {memory} bytes"
    );
}

#[test]
fn port_filter_module() {
    check(
        PORT_FILTER,
        &[
            ("CONFIG", MAP_TYPE_ARRAY, 4, 4, 1),
            ("DROPS", MAP_TYPE_HASH, 16, 8, 1024),
        ],
    );
}

#[test]
fn packet_counter_module() {
    check(
        PACKET_COUNTER,
        &[
            ("COUNTS", MAP_TYPE_PERCPU_ARRAY, 4, 8, 256),
            ("FLOWS", MAP_TYPE_LRU_HASH, 40, 8, 4096),
            ("EVENTS", MAP_TYPE_RINGBUF, 0, 0, 64 << 10),
        ],
    );
}

//! Module lifetime: unload is refused while `/dev/kwasm` is open, then clean; reload works.
//! The harness runs this binary after all others (it unloads the module under them).

use kwasm::Device;
use kwasm_vmtests::{delete_module, finit_module, require_vm};
use std::path::Path;

#[test]
fn unload_refused_while_open_then_clean_and_reload_works() {
    require_vm();
    let module = std::env::var("KWASM_MODULE").expect("KWASM_MODULE names kwasm.ko");

    let dev = Device::open().expect("open /dev/kwasm");
    let err = delete_module("kwasm").unwrap_err();
    // With O_NONBLOCK, a module whose refcount is held answers EWOULDBLOCK (try_stop_module).
    assert_eq!(
        err.raw_os_error(),
        Some(libc::EWOULDBLOCK),
        "unload while open: {err}"
    );
    dev.selftest(1)
        .expect("device still works after the refused unload");
    drop(dev);

    delete_module("kwasm").expect("unload after close");
    assert!(
        !Path::new("/dev/kwasm").exists(),
        "device node gone after unload"
    );

    finit_module(&module).expect("reload");
    let dev = Device::open().expect("open after reload");
    assert_eq!(
        dev.selftest(41).unwrap().output,
        kwasm::hooks::attr::selftest_expected(41)
    );
}

//! ioctl command numbers of `/dev/kwasm`.
//!
//! Commands are `_IO(KWASM_IOC_MAGIC, nr)`: the argument is a pointer to a size-prefixed attr
//! (see [`crate::attr`]), so the size is not part of the number and attrs can grow.

/// ioctl type byte; free in Documentation/userspace-api/ioctl/ioctl-number.rst.
pub const KWASM_IOC_MAGIC: u32 = 0xB9;

/// `_IO(type, nr)` from `include/uapi/asm-generic/ioctl.h` (direction and size bits zero).
pub const fn io(nr: u32) -> u32 {
    (KWASM_IOC_MAGIC << 8) | nr
}

/// Returns [`crate::ABI_VERSION`] as the ioctl's return value; the argument is ignored.
pub const KWASM_IOC_VERSION: u32 = io(0x00);
/// Runs the executable-arena self-test; argument: [`crate::attr::SelftestAttr`].
pub const KWASM_IOC_SELFTEST: u32 = io(0x01);
/// Loads a program; argument: [`crate::attr::ProgLoadAttr`]; returns a program fd.
pub const KWASM_IOC_PROG_LOAD: u32 = io(0x02);
/// Runs a program's export; argument: [`crate::attr::TestRunAttr`].
pub const KWASM_IOC_PROG_TEST_RUN: u32 = io(0x03);
/// Argument: [`crate::attr::ProgInfoAttr`].
pub const KWASM_IOC_PROG_GET_INFO: u32 = io(0x04);
/// Argument: [`crate::attr::ProgIdAttr`]; `-ENOENT` after the last id.
pub const KWASM_IOC_PROG_GET_NEXT_ID: u32 = io(0x05);
/// Argument: [`crate::attr::ProgIdAttr`]; returns a new fd for the program with that id.
pub const KWASM_IOC_PROG_GET_FD_BY_ID: u32 = io(0x06);
/// Reads an exported global; argument: [`crate::attr::GlobalGetAttr`].
pub const KWASM_IOC_PROG_GET_GLOBAL: u32 = io(0x07);
/// Names a program for later programs' imports; argument: [`crate::attr::ProgRegisterAttr`].
pub const KWASM_IOC_PROG_REGISTER: u32 = io(0x08);

/// Creates a map; argument: [`crate::map::MapCreateAttr`]; returns a map fd.
pub const KWASM_IOC_MAP_CREATE: u32 = io(0x09);
/// Argument: [`crate::map::MapElemAttr`] for these four.
pub const KWASM_IOC_MAP_LOOKUP_ELEM: u32 = io(0x0a);
pub const KWASM_IOC_MAP_UPDATE_ELEM: u32 = io(0x0b);
pub const KWASM_IOC_MAP_DELETE_ELEM: u32 = io(0x0c);
pub const KWASM_IOC_MAP_GET_NEXT_KEY: u32 = io(0x0d);
/// Argument: [`crate::map::MapBatchAttr`].
pub const KWASM_IOC_MAP_LOOKUP_BATCH: u32 = io(0x0e);
/// Argument: [`crate::map::MapInfoAttr`].
pub const KWASM_IOC_MAP_GET_INFO: u32 = io(0x0f);
/// Argument: [`crate::attr::IdAttr`].
pub const KWASM_IOC_MAP_GET_NEXT_ID: u32 = io(0x10);
pub const KWASM_IOC_MAP_GET_FD_BY_ID: u32 = io(0x11);
/// Attaches a program; argument: [`crate::link::LinkCreateAttr`]; returns a link fd.
pub const KWASM_IOC_LINK_CREATE: u32 = io(0x12);
/// Argument: [`crate::link::LinkUpdateAttr`] for these two.
pub const KWASM_IOC_LINK_UPDATE: u32 = io(0x13);
pub const KWASM_IOC_LINK_DETACH: u32 = io(0x14);
/// Argument: [`crate::link::LinkInfoAttr`].
pub const KWASM_IOC_LINK_GET_INFO: u32 = io(0x15);
/// Argument: [`crate::attr::IdAttr`].
pub const KWASM_IOC_LINK_GET_NEXT_ID: u32 = io(0x16);
pub const KWASM_IOC_LINK_GET_FD_BY_ID: u32 = io(0x17);
/// Argument: [`crate::pin::PinAttr`] for these three.
pub const KWASM_IOC_OBJ_PIN: u32 = io(0x18);
pub const KWASM_IOC_OBJ_GET: u32 = io(0x19);
pub const KWASM_IOC_OBJ_UNPIN: u32 = io(0x1a);
/// Argument: [`crate::pin::PinNextAttr`].
pub const KWASM_IOC_PIN_GET_NEXT: u32 = io(0x1b);

//! The `kwasm` host functions (`kwasm_hooks::host_fns`), as raw imports. Pointers are offsets
//! into the program's memory: the host checks every span against it (a bad one gives
//! `-EFAULT`), so the only thing a caller must get right is what the host *writes*: it may
//! overwrite whatever the guest keeps at that address. That is why these are `unsafe` and the
//! typed wrappers above them are not.
//!
//! On the host (not wasm32) the SDK still compiles, for unit tests and for host programs that
//! share its types; every call there fails with `Error::Unsupported`.

#[cfg(target_arch = "wasm32")]
mod imports {
    // Names and signatures as `kwasm_hooks::host_fns::ALL` (the guest tests check the built
    // module's imports against it).
    #[link(wasm_import_module = "kwasm")]
    extern "C" {
        pub fn map_lookup(map: i32, key: i32, value: i32) -> i32;
        pub fn map_update(map: i32, key: i32, value: i32, flags: i32) -> i32;
        pub fn map_delete(map: i32, key: i32) -> i32;
        pub fn map_add(map: i32, key: i32, offset: i32, delta: i64) -> i32;
        pub fn ringbuf_output(map: i32, data: i32, len: i32) -> i32;
        pub fn packet_load(offset: i32, dst: i32, len: i32) -> i32;
    }
}

/// A guest address as the host functions take it (wasm32 pointers are 32-bit).
#[cfg(target_arch = "wasm32")]
fn addr<T>(p: *const T) -> i32 {
    p as usize as i32
}

macro_rules! host_call {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident : $ty:ty => $conv:expr),*);
    )*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        ///
        /// Every pointer is valid for the bytes the host reads or writes through it.
        #[allow(unused_variables)]
        pub(crate) unsafe fn $name($($arg: $ty),*) -> i32 {
            #[cfg(target_arch = "wasm32")]
            // SAFETY: per this function's contract; the host bounds-checks the spans.
            return unsafe { imports::$name($($conv),*) };
            #[cfg(not(target_arch = "wasm32"))]
            return crate::error::UNSUPPORTED;
        }
    )*};
}

host_call! {
    /// Copies `map`'s value of `key` to `value`.
    fn map_lookup(map: u32 => map as i32, key: *const u8 => addr(key), value: *mut u8 => addr(value));
    /// Stores `value` under `key` (`MAP_UPDATE_*` flags).
    fn map_update(
        map: u32 => map as i32,
        key: *const u8 => addr(key),
        value: *const u8 => addr(value),
        flags: u64 => flags as i32
    );
    /// Removes `key`.
    fn map_delete(map: u32 => map as i32, key: *const u8 => addr(key));
    /// Adds `delta` to the u64 at `offset` of `key`'s value.
    fn map_add(map: u32 => map as i32, key: *const u8 => addr(key), offset: u32 => offset as i32, delta: u64 => delta as i64);
    /// Sends `len` bytes at `data` as one ring buffer record.
    fn ringbuf_output(map: u32 => map as i32, data: *const u8 => addr(data), len: u32 => len as i32);
    /// Copies packet bytes from `offset` to `dst`; the number copied.
    fn packet_load(offset: u32 => offset as i32, dst: *mut u8 => addr(dst), len: u32 => len as i32);
}

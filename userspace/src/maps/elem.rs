//! One entry at a time on raw bytes: `MAP_LOOKUP_ELEM`, `MAP_UPDATE_ELEM`, `MAP_DELETE_ELEM`,
//! `MAP_GET_NEXT_KEY`. Buffer sizes are checked here, before the kernel reads `key_size` and
//! value bytes from our pointers: a short slice would have it read past it.
//!
//! Checked only in the VM: the kernel's answers (`ENOENT` for a missing key, update flags).

use super::Map;
use crate::sys::{attr_size, fd_arg, user_ptr, user_ptr_mut};
use crate::Error;
use kwasm_hooks::ioctl::*;
use kwasm_hooks::map::MapElemAttr;
use std::os::fd::AsFd;

impl Map {
    /// The value of `key` (all CPUs' values for per-CPU maps, see [`super::percpu`]), or
    /// `None` if it has none.
    ///
    /// ```no_run
    /// let map = kwasm::Map::from_pin("firewall/counts")?;
    /// if let Some(v) = map.lookup(&5u32.to_le_bytes())? {
    ///     println!("{v:02x?}");
    /// }
    /// # Ok::<(), kwasm::Error>(())
    /// ```
    pub fn lookup(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        self.check_len("key", key.len(), self.key_size() as usize)?;
        let mut value = vec![0u8; self.value_len()];
        let mut attr = self.elem_attr(key);
        attr.value = user_ptr_mut(&mut value);
        match self.dev().call(
            KWASM_IOC_MAP_LOOKUP_ELEM,
            "KWASM_IOC_MAP_LOOKUP_ELEM",
            &mut attr,
        ) {
            Ok(_) => Ok(Some(value)),
            Err(e) if e.errno() == Some(libc::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets the value of `key`; `flags` is one of `MAP_UPDATE_ANY`, `MAP_UPDATE_NOEXIST`,
    /// `MAP_UPDATE_EXIST`.
    pub fn update(&self, key: &[u8], value: &[u8], flags: u64) -> Result<(), Error> {
        self.check_len("key", key.len(), self.key_size() as usize)?;
        self.check_len("value", value.len(), self.value_len())?;
        let mut attr = self.elem_attr(key);
        attr.value = user_ptr(value);
        attr.flags = flags;
        self.dev().call(
            KWASM_IOC_MAP_UPDATE_ELEM,
            "KWASM_IOC_MAP_UPDATE_ELEM",
            &mut attr,
        )?;
        Ok(())
    }

    /// Removes `key` (`ENOENT` if it has no value; arrays cannot remove: `EINVAL`).
    pub fn delete(&self, key: &[u8]) -> Result<(), Error> {
        self.check_len("key", key.len(), self.key_size() as usize)?;
        let mut attr = self.elem_attr(key);
        self.dev().call(
            KWASM_IOC_MAP_DELETE_ELEM,
            "KWASM_IOC_MAP_DELETE_ELEM",
            &mut attr,
        )?;
        Ok(())
    }

    /// The key after `key` (`None`: the first key), or `None` after the last. Walking a
    /// large map this way costs a call per key: [`Map::iter`] takes them in batches.
    pub fn next_key(&self, key: Option<&[u8]>) -> Result<Option<Vec<u8>>, Error> {
        let key_size = self.key_size() as usize;
        if let Some(key) = key {
            self.check_len("key", key.len(), key_size)?;
        }
        let mut next = vec![0u8; key_size];
        let mut attr = self.elem_attr(key.unwrap_or(&[]));
        if key.is_none() {
            attr.key = 0;
        }
        attr.value = user_ptr_mut(&mut next);
        match self.dev().call(
            KWASM_IOC_MAP_GET_NEXT_KEY,
            "KWASM_IOC_MAP_GET_NEXT_KEY",
            &mut attr,
        ) {
            Ok(_) => Ok(Some(next)),
            Err(e) if e.errno() == Some(libc::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn elem_attr(&self, key: &[u8]) -> MapElemAttr {
        MapElemAttr {
            size: attr_size::<MapElemAttr>(),
            map_fd: fd_arg(self.as_fd()),
            key: user_ptr(key),
            ..Default::default()
        }
    }

    pub(crate) fn check_len(
        &self,
        what: &'static str,
        got: usize,
        expected: usize,
    ) -> Result<(), Error> {
        if got == expected {
            Ok(())
        } else {
            Err(Error::BufferSize {
                map: self.name().into(),
                what,
                got,
                expected,
            })
        }
    }
}

//! Snapshot files: the whole state of a simulation, versioned and
//! checksummed, so that a run can stop and go on later with the same result.
//!
//! Layout (little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `EVOSNAP\0` |
//! | 4 | format version ([`VERSION`]) |
//! | 4 | reserved, 0 |
//! | 8 | payload length |
//! | 8 | FNV-1a 64 of the payload |
//! | … | payload |
//!
//! The payload is a sequence of fields written by [`Writer`] and read back
//! by [`Reader`]: integers and floats as fixed-size little-endian values,
//! strings and arrays as a `u64` element count and the elements. The reader
//! checks every count against the bytes that remain before it allocates
//! anything, so a header claiming a huge size costs nothing; the checksum
//! catches flipped bits; [`world::decode`] reads the fields of a world and
//! [`world::restore`] puts them into one and checks it with
//! [`crate::world::World::validate`] before a simulation runs it.
//!
//! Writes go to a temporary file in the same folder, then a rename: a crash
//! mid-write leaves the previous snapshot whole.

mod species;
pub mod world;

use std::io::Write;
use std::path::Path;

/// The file's first eight bytes.
pub const MAGIC: [u8; 8] = *b"EVOSNAP\0";

/// The format version this build writes. Version 2 adds the events the
/// next tick resolves (the one-tick lag, `regions::lag`); version 3 the
/// species book (`crate::species`). Version 1 files still load, with no
/// events pending; version 1 and 2 files with the tribes as the species.
pub const VERSION: u32 = 3;

/// The oldest format version this build reads.
pub const OLDEST_VERSION: u32 = 1;

/// Header bytes before the payload.
pub const HEADER: usize = 32;

/// Why a snapshot could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The magic bytes are wrong.
    #[error("not an evosim snapshot (the file does not start with the snapshot magic bytes)")]
    NotASnapshot,
    /// Another format version.
    #[error(
        "snapshot format version {found}, this evosim reads versions {OLDEST_VERSION} to {VERSION}"
    )]
    Version {
        /// Version in the file.
        found: u32,
    },
    /// Shorter than its header says.
    #[error("snapshot truncated (or padded): {expected} bytes expected, {found} present")]
    Truncated {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The payload does not match its checksum.
    #[error("snapshot corrupted: checksum mismatch (a flipped bit or a partial write)")]
    Checksum,
    /// A field is inconsistent or out of range.
    #[error("snapshot invalid: {0}")]
    Invalid(String),
}

impl SnapshotError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, e: impl std::fmt::Display) -> Self {
        Self::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

/// 64-bit FNV-1a over bytes.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Builds a payload.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// A `u32`.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A `u64`.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// An `f64`.
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// A string.
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// An array of 32-bit words (any `Pod` of 4-byte alignment).
    pub fn words<T: bytemuck::Pod>(&mut self, v: &[T]) {
        let bytes: &[u8] = bytemuck::cast_slice(v);
        self.u64((bytes.len() / 4) as u64);
        // Little-endian words, whatever the host.
        for w in bytes.chunks_exact(4) {
            let x = u32::from_ne_bytes([w[0], w[1], w[2], w[3]]);
            self.buf.extend_from_slice(&x.to_le_bytes());
        }
    }

    /// An array of `u64`.
    pub fn u64s(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        for &x in v {
            self.u64(x);
        }
    }

    /// The file's bytes: header and payload.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.buf.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(self.buf.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&self.buf).to_le_bytes());
        out.extend_from_slice(&self.buf);
        out
    }
}

/// Reads a payload back, checking every length before allocating.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// The file's format version.
    pub version: u32,
}

fn bad(what: &str) -> SnapshotError {
    SnapshotError::Invalid(format!("{what} runs past the end of the payload"))
}

impl<'a> Reader<'a> {
    /// Checks the header of a whole file and returns a reader over its
    /// payload.
    pub fn open(file: &'a [u8]) -> Result<Self, SnapshotError> {
        if file.len() < 8 || file[..8] != MAGIC {
            return Err(SnapshotError::NotASnapshot);
        }
        if file.len() < HEADER {
            return Err(SnapshotError::Truncated {
                expected: HEADER as u64,
                found: file.len() as u64,
            });
        }
        let word = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().expect("4 bytes"));
        let long = |at: usize| u64::from_le_bytes(file[at..at + 8].try_into().expect("8 bytes"));
        let version = word(8);
        if !(OLDEST_VERSION..=VERSION).contains(&version) {
            return Err(SnapshotError::Version { found: version });
        }
        let len = long(16);
        let sum = long(24);
        let present = (file.len() - HEADER) as u64;
        if len != present {
            return Err(SnapshotError::Truncated {
                expected: (HEADER as u64).saturating_add(len),
                found: file.len() as u64,
            });
        }
        let payload = &file[HEADER..];
        if checksum(payload) != sum {
            return Err(SnapshotError::Checksum);
        }
        Ok(Self {
            data: payload,
            pos: 0,
            version,
        })
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], SnapshotError> {
        let end = self.pos.checked_add(n).ok_or_else(|| bad(what))?;
        if end > self.data.len() {
            return Err(bad(what));
        }
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// A `u32`.
    pub fn u32(&mut self, what: &str) -> Result<u32, SnapshotError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    /// A `u64`.
    pub fn u64(&mut self, what: &str) -> Result<u64, SnapshotError> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    /// An `f64`.
    pub fn f64(&mut self, what: &str) -> Result<f64, SnapshotError> {
        Ok(f64::from_bits(self.u64(what)?))
    }

    /// A count of `size`-byte elements, checked against what remains.
    fn count(&mut self, size: usize, what: &str) -> Result<usize, SnapshotError> {
        let n = self.u64(what)?;
        let left = (self.data.len() - self.pos) as u64;
        if n.checked_mul(size as u64).is_none_or(|b| b > left) {
            return Err(SnapshotError::Invalid(format!(
                "{what} claims {n} elements, more than the {left} bytes left"
            )));
        }
        Ok(n as usize)
    }

    /// A string.
    pub fn str(&mut self, what: &str) -> Result<String, SnapshotError> {
        let n = self.count(1, what)?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| SnapshotError::Invalid(format!("{what} is not UTF-8")))
    }

    /// An array of `T` stored as 32-bit words; `expect` elements exactly.
    pub fn words<T: bytemuck::Pod + bytemuck::Zeroable + Clone>(
        &mut self,
        expect: usize,
        what: &str,
    ) -> Result<Vec<T>, SnapshotError> {
        let per = std::mem::size_of::<T>() / 4;
        let n = self.count(4, what)?;
        if per == 0 || n != expect.saturating_mul(per) {
            return Err(SnapshotError::Invalid(format!(
                "{what} has {n} words, {} expected",
                expect.saturating_mul(per)
            )));
        }
        let b = self.take(n * 4, what)?;
        let mut out = vec![T::zeroed(); expect];
        let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
        for (d, s) in dst.chunks_exact_mut(4).zip(b.chunks_exact(4)) {
            let x = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            d.copy_from_slice(&x.to_ne_bytes());
        }
        Ok(out)
    }

    /// An array of `u32` of any length up to `max`.
    pub fn u32s(&mut self, max: usize, what: &str) -> Result<Vec<u32>, SnapshotError> {
        let save = self.pos;
        let n = self.count(4, what)?;
        if n > max {
            return Err(SnapshotError::Invalid(format!(
                "{what} has {n} entries, at most {max} allowed"
            )));
        }
        self.pos = save;
        self.words::<u32>(n, what)
    }

    /// An array of `u64`, at most `max` long.
    pub fn u64s(&mut self, max: usize, what: &str) -> Result<Vec<u64>, SnapshotError> {
        let n = self.count(8, what)?;
        if n > max {
            return Err(SnapshotError::Invalid(format!(
                "{what} has {n} entries, at most {max} allowed"
            )));
        }
        (0..n).map(|_| self.u64(what)).collect()
    }

    /// Fails unless every byte was read.
    pub fn end(&self) -> Result<(), SnapshotError> {
        if self.pos == self.data.len() {
            Ok(())
        } else {
            Err(SnapshotError::Invalid(format!(
                "{} bytes left over after the last field",
                self.data.len() - self.pos
            )))
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, synced,
/// then renamed over it).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    let name = path
        .file_name()
        .ok_or_else(|| SnapshotError::io(path, "not a file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        SnapshotError::io(path, e)
    })
}

/// Reads a whole snapshot file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    std::fs::read(path).map_err(|e| SnapshotError::io(path, e))
}

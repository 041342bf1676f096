//! How Rust declares what it shares with the shaders: each shared struct is
//! written once, in Rust, with `wgsl_struct!`, which derives its encoding
//! ([`encase::ShaderType`], WGSL's layout rules) and writes its WGSL text;
//! [`super::shaders`] prepends that text (and the shared constants, see
//! [`super::layout`]) to every shader, so that no field can be added on one
//! side only. `tests/sim/shaders.rs` checks every field's offset and size as
//! encase writes it against naga's layout of the generated WGSL.

use encase::internal::{CreateFrom, ReadFrom, WriteInto};
use encase::{ShaderSize, ShaderType, StorageBuffer, UniformBuffer};

/// The address space a shared struct is bound in (uniform layouts are stricter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// `var<uniform>`.
    Uniform,
    /// An element of a `var<storage>` array.
    Storage,
}

/// A Rust field type and the WGSL type it is written as.
pub trait WgslType {
    /// The WGSL type.
    fn wgsl() -> String;
    /// A value whose every byte is `b` (to find where encase writes a field).
    fn filled(b: u8) -> Self;
}

impl WgslType for u32 {
    fn wgsl() -> String {
        "u32".into()
    }
    fn filled(b: u8) -> Self {
        u32::from_ne_bytes([b; 4])
    }
}

impl WgslType for f32 {
    fn wgsl() -> String {
        "f32".into()
    }
    fn filled(b: u8) -> Self {
        f32::from_bits(u32::filled(b))
    }
}

impl WgslType for glam::Vec2 {
    fn wgsl() -> String {
        "vec2<f32>".into()
    }
    fn filled(b: u8) -> Self {
        Self::splat(f32::filled(b))
    }
}

impl WgslType for glam::Vec4 {
    fn wgsl() -> String {
        "vec4<f32>".into()
    }
    fn filled(b: u8) -> Self {
        Self::splat(f32::filled(b))
    }
}

/// A position or velocity as the entity arrays hold it: encase writes it as
/// two floats, WGSL reads a `vec2<f32>` (whose 8-byte alignment the layout
/// check holds every record to).
impl WgslType for [f32; 2] {
    fn wgsl() -> String {
        "vec2<f32>".into()
    }
    fn filled(b: u8) -> Self {
        [f32::filled(b); 2]
    }
}

impl<const N: usize> WgslType for [u32; N] {
    fn wgsl() -> String {
        format!("array<u32, {N}>")
    }
    fn filled(b: u8) -> Self {
        [u32::filled(b); N]
    }
}

impl<const N: usize> WgslType for [glam::Vec4; N] {
    fn wgsl() -> String {
        format!("array<vec4<f32>, {N}>")
    }
    fn filled(b: u8) -> Self {
        [glam::Vec4::filled(b); N]
    }
}

/// One field of a shared struct as Rust encodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Name (the same on both sides).
    pub name: &'static str,
    /// WGSL type.
    pub ty: String,
    /// Byte offset.
    pub offset: usize,
    /// Size in bytes.
    pub size: usize,
}

/// A shared struct as Rust encodes it: what the WGSL side must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// Struct name (the same on both sides).
    pub name: &'static str,
    /// Where it is bound.
    pub space: Space,
    /// Fields in order.
    pub fields: Vec<Field>,
    /// Encoded size in bytes.
    pub size: usize,
}

impl Declared {
    /// The WGSL declaration.
    pub fn wgsl(&self) -> String {
        let body: String = self
            .fields
            .iter()
            .map(|f| format!("    {}: {},\n", f.name, f.ty))
            .collect();
        format!("struct {} {{\n{body}}}\n", self.name)
    }
}

/// A struct declared with `wgsl_struct!` (this module).
pub trait WgslStruct: ShaderType + ShaderSize + WriteInto + Sized {
    /// Its name on both sides.
    const NAME: &'static str;
    /// Where it is bound.
    const SPACE: Space;
    /// Field names and WGSL types, in order.
    fn fields() -> Vec<(&'static str, String)>;
    /// A value whose field `k` (from 0) has every byte `k + 1`.
    fn probe() -> Self;

    /// The layout encase writes, found from where each field's bytes land.
    fn declared() -> Declared {
        let bytes = match Self::SPACE {
            Space::Uniform => uniform_bytes(&Self::probe()),
            Space::Storage => encode(&[Self::probe()]),
        };
        let fields = Self::fields()
            .into_iter()
            .zip(1u8..)
            .map(|((name, ty), k)| Field {
                name,
                ty,
                offset: bytes.iter().position(|&b| b == k).unwrap_or(usize::MAX),
                size: bytes.iter().filter(|&&b| b == k).count(),
            })
            .collect();
        Declared {
            name: Self::NAME,
            space: Self::SPACE,
            fields,
            size: bytes.len(),
        }
    }
}

/// A uniform's bytes.
pub fn uniform_bytes<T: ShaderType + WriteInto>(v: &T) -> Vec<u8> {
    UniformBuffer::<Vec<u8>>::content_of(v).expect("a Vec grows as needed")
}

/// The bytes of a slice of records, as a WGSL `array<T>` holds them.
pub fn encode<T: ShaderType + ShaderSize + WriteInto>(records: &[T]) -> Vec<u8> {
    let mut out = StorageBuffer::new(Vec::new());
    out.write(records).expect("a Vec grows as needed");
    out.into_inner()
}

/// The records in `bytes` (a whole number of them, as [`encode`] writes).
pub fn decode<T: ShaderType + ShaderSize + ReadFrom + CreateFrom>(bytes: &[u8]) -> Vec<T> {
    if bytes.is_empty() {
        return Vec::new();
    }
    StorageBuffer::new(bytes)
        .create()
        .expect("whole records were read")
}

/// Declares a struct shared with the shaders: the Rust struct (public
/// fields, encoded by encase) and its [`WgslStruct`] description, from which
/// the WGSL struct is generated. `in uniform` or `in storage` says where it
/// is bound.
macro_rules! wgsl_struct {
    ($(#[$m:meta])* pub struct $name:ident in uniform { $($body:tt)* }) => {
        $crate::gpu::wgsl::wgsl_struct!(@ $(#[$m])* $name Uniform { $($body)* });
    };
    ($(#[$m:meta])* pub struct $name:ident in storage { $($body:tt)* }) => {
        $crate::gpu::wgsl::wgsl_struct!(@ $(#[$m])* $name Storage { $($body)* });
    };
    (@ $(#[$m:meta])* $name:ident $space:ident {
        $($(#[$fm:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, encase::ShaderType)]
        pub struct $name {
            $($(#[$fm])* pub $field: $ty,)*
        }

        impl $crate::gpu::wgsl::WgslStruct for $name {
            const NAME: &'static str = stringify!($name);
            const SPACE: $crate::gpu::wgsl::Space = $crate::gpu::wgsl::Space::$space;
            fn fields() -> Vec<(&'static str, String)> {
                use $crate::gpu::wgsl::WgslType;
                vec![$((stringify!($field), <$ty>::wgsl())),*]
            }
            fn probe() -> Self {
                use $crate::gpu::wgsl::WgslType;
                let mut k = 0u8;
                Self {
                    $($field: {
                        k += 1;
                        <$ty>::filled(k)
                    },)*
                }
            }
        }
    };
}
pub(crate) use wgsl_struct;

/// A constant shared with the shaders.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// `u32`.
    U32(u32),
    /// `f32`.
    F32(f32),
    /// `array<f32, N>`.
    F32s(Vec<f32>),
    /// `array<vec3<f32>, N>`.
    Vec3s(Vec<[f32; 3]>),
}

/// An `f32` literal naga reads back to the same value (Rust's shortest
/// round-trip digits, typed `f` so that nothing rounds through an f64).
fn f32_literal(v: f32) -> String {
    format!("{v:?}f")
}

impl Const {
    /// The WGSL declaration of constant `name`.
    pub fn wgsl(&self, name: &str) -> String {
        let list = |v: &[f32]| v.iter().map(|&x| f32_literal(x)).collect::<Vec<_>>();
        match self {
            Const::U32(v) => format!("const {name}: u32 = {v}u;\n"),
            Const::F32(v) => format!("const {name}: f32 = {};\n", f32_literal(*v)),
            Const::F32s(v) => format!(
                "const {name} = array<f32, {}>({});\n",
                v.len(),
                list(v).join(", ")
            ),
            Const::Vec3s(v) => {
                let items: Vec<String> = v
                    .iter()
                    .map(|x| format!("vec3<f32>({})", list(x).join(", ")))
                    .collect();
                format!(
                    "const {name} = array<vec3<f32>, {}>({});\n",
                    v.len(),
                    items.join(", ")
                )
            }
        }
    }
}

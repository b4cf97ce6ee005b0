//! The AWS service models for `aws-sdk:` Tasks (`data/aws-models/`, see
//! `docs/aws-models.md`): one gzip'd JSON file per Step Functions service
//! name, embedded in the binary and decompressed only when a definition calls
//! that service, once per process.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/aws_models.rs"));

const INDEX_JSON: &str = include_str!("../../data/aws-models/index.json");

#[derive(Debug, Deserialize)]
pub struct Index {
    /// The botocore version the models come from.
    pub botocore: String,
    /// SHA-256 over every `.json.gz`, concatenated in file-name order.
    pub sha256: String,
    pub services: BTreeMap<String, IndexEntry>,
    /// Names Step Functions once documented that have no model any more,
    /// with the reason.
    pub removed: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct IndexEntry {
    pub botocore: String,
    pub error_prefix: String,
}

/// One service's operations and shapes. The data file holds each operation
/// and each shape on a line of its own, sorted by name (see
/// `scripts/aws_models.py`), so loading a service only splits its text into
/// lines; an entry's JSON is decoded the first time a check asks for it: a
/// definition touches a handful of a service's operations and shapes (EC2
/// has thousands), and parsing them all was most of the cost of a run that
/// calls a few services (callgrind on the shared corpus: 64M of 325M
/// instructions).
#[derive(Debug)]
pub struct Service {
    pub service: String,
    pub error_prefix: String,
    /// Sorted by name.
    operations: Vec<(&'static str, Lazy<Operation>)>,
    /// Sorted by name.
    shapes: Vec<(&'static str, Lazy<Shape>)>,
    /// Every error name some operation raises, built on first use.
    errors: OnceLock<Vec<String>>,
}

#[derive(Deserialize)]
struct Header {
    service: String,
    error_prefix: String,
}

/// A value's JSON text, decoded once on first use. Boxed, so that an entry
/// never asked for costs a pointer, not a whole `Shape`: EC2 alone has
/// thousands of entries, and a corpus run touches a few dozen of them.
#[derive(Debug)]
struct Lazy<T> {
    raw: &'static str,
    decoded: OnceLock<Box<T>>,
}

impl<T> Lazy<T> {
    fn new(raw: &'static str) -> Lazy<T> {
        Lazy {
            raw,
            decoded: OnceLock::new(),
        }
    }
}

impl<T: serde::de::DeserializeOwned> Lazy<T> {
    fn get(&self) -> &T {
        self.decoded.get_or_init(|| {
            Box::new(serde_json::from_str(self.raw).expect("embedded model entry is valid"))
        })
    }
}

impl Service {
    /// Splits a service's text (`scripts/aws_models.py`, `service_text`)
    /// into its header and its entry lines.
    fn parse(text: &'static str) -> Service {
        let mut lines = text.lines();
        let first = lines.next().expect("embedded model has a header");
        let header: Header = serde_json::from_str(&format!(
            "{}}}",
            first
                .strip_suffix(',')
                .expect("header line ends in a comma")
        ))
        .expect("embedded model header is valid");
        let mut operations = Vec::new();
        let mut shapes = Vec::new();
        let mut section = 0;
        for line in lines {
            match line {
                "\"operations\":{" => section = 1,
                "\"shapes\":{" => section = 2,
                _ if line.starts_with('"') => {
                    let line = line.strip_suffix(',').unwrap_or(line);
                    let (name, raw) = line[1..]
                        .split_once("\":")
                        .expect("embedded model entry is `\"Name\":{...}`");
                    match section {
                        1 => operations.push((name, Lazy::new(raw))),
                        2 => shapes.push((name, Lazy::new(raw))),
                        _ => panic!("embedded model entry outside a section"),
                    }
                }
                _ => {}
            }
        }
        debug_assert!(operations.is_sorted_by(|a, b| a.0 < b.0));
        debug_assert!(shapes.is_sorted_by(|a, b| a.0 < b.0));
        Service {
            service: header.service,
            error_prefix: header.error_prefix,
            operations,
            shapes,
            errors: OnceLock::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Operation {
    #[serde(rename = "i")]
    pub input: Option<String>,
    #[serde(rename = "o")]
    pub output: Option<String>,
    #[serde(rename = "e", default)]
    pub errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Shape {
    /// `structure list map string integer long boolean double float
    /// timestamp blob document eventstream`.
    #[serde(rename = "t")]
    pub ty: String,
    /// Members (Step Functions spelling) to their shapes.
    #[serde(rename = "m", default)]
    pub members: BTreeMap<String, String>,
    #[serde(rename = "r", default)]
    pub required: Vec<String>,
    /// Step Functions name -> botocore name, where they differ beyond the
    /// case of the first letter.
    #[serde(default)]
    pub raw: BTreeMap<String, String>,
    #[serde(rename = "en", default)]
    pub enum_values: Vec<String>,
    #[serde(rename = "l")]
    pub list_member: Option<String>,
    #[serde(rename = "v")]
    pub map_value: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(rename = "ex", default)]
    pub is_error: bool,
    pub sfn: Option<String>,
}

/// The index of services (names, error prefixes, removed names).
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| serde_json::from_str(INDEX_JSON).expect("index.json is valid"))
}

/// `aws-models botocore 1.44.18 <sha256>`, for `--version --verbose`.
pub fn version_line() -> String {
    let index = index();
    format!("aws-models botocore {} {}", index.botocore, index.sha256)
}

/// Every service name a `Resource` may use, sorted.
pub fn service_names() -> impl Iterator<Item = &'static str> {
    SERVICES.iter().map(|(name, _)| *name)
}

/// Why a name Step Functions once documented has no model, if it is one.
pub fn removed(name: &str) -> Option<&'static str> {
    index().removed.get(name).map(String::as_str)
}

/// A service's model by its Step Functions name (`s3`, `dynamodb`,
/// `cloudwatchlogs`), decompressed on first use.
pub fn service(name: &str) -> Option<&'static Service> {
    let at = SERVICES.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    // One cell per service: threads that need different services decompress
    // them at the same time, and each service once per process (a single
    // lock around every load serialised the workers on a corpus run).
    static LOADED: OnceLock<Vec<OnceLock<Service>>> = OnceLock::new();
    let cells = LOADED.get_or_init(|| SERVICES.iter().map(|_| OnceLock::new()).collect());
    Some(cells[at].get_or_init(|| Service::parse(decompress(SERVICES[at].1))))
}

/// A service's text from its gzip member. The data files are written with
/// no name, comment or extra field (`scripts/aws_models.py`, `gzip_bytes`),
/// so the deflate stream starts at byte 10 and is inflated in one call into
/// a buffer of the size the trailer records, without the CRC pass a gzip
/// reader makes (the data's SHA-256 is checked against the script by
/// `scripts/aws_models.py --check` instead). The text lives as long as the
/// process, so that operations and shapes can stay borrowed JSON until they
/// are used.
fn decompress(gz: &[u8]) -> &'static str {
    let plain_header = gz.len() > 18 && gz[..4] == [0x1f, 0x8b, 8, 0];
    let size = gz.len().checked_sub(4).map_or(0, |t| {
        u32::from_le_bytes(gz[t..].try_into().unwrap_or([0; 4])) as usize
    });
    let mut bytes = Vec::with_capacity(size + 1);
    if plain_header {
        let mut inflater = flate2::Decompress::new(false);
        inflater
            .decompress_vec(
                &gz[10..gz.len() - 8],
                &mut bytes,
                flate2::FlushDecompress::Finish,
            )
            .expect("embedded model decompresses");
    }
    if !plain_header || bytes.len() != size {
        bytes.clear();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut bytes)
            .expect("embedded model decompresses");
    }
    let text = String::from_utf8(bytes).expect("embedded model is UTF-8");
    Box::leak(text.into_boxed_str())
}

impl Service {
    /// The operation a `Resource` action names (`getObject` ->
    /// `GetObject`): the first letter in either case, the rest exact.
    pub fn operation(&self, action: &str) -> Option<(&str, &Operation)> {
        let name = capitalize(action);
        let at = self
            .operations
            .binary_search_by(|(n, _)| (*n).cmp(name.as_str()))
            .ok()?;
        let (k, v) = &self.operations[at];
        Some((k, v.get()))
    }

    /// The `Resource` spelling of every operation (`getObject`).
    pub fn actions(&self) -> impl Iterator<Item = String> + '_ {
        self.operations.iter().map(|(k, _)| uncapitalize(k))
    }

    pub fn shape(&self, name: &str) -> Option<&Shape> {
        let at = self.shapes.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        Some(self.shapes[at].1.get())
    }

    /// The Step Functions error name of an error shape:
    /// `<prefix>.<sfn>`, `<prefix>.<X>` when `X` ends in `Exception`,
    /// else `<prefix>.<X>Exception`.
    pub fn error_name(&self, shape: &str) -> String {
        let prefix = &self.error_prefix;
        match self.shape(shape).and_then(|s| s.sfn.as_deref()) {
            Some(sfn) => format!("{prefix}.{sfn}"),
            None if shape.ends_with("Exception") => format!("{prefix}.{shape}"),
            None => format!("{prefix}.{shape}Exception"),
        }
    }

    /// The generic error every operation may raise: `<prefix>.<prefix>Exception`.
    pub fn generic_error(&self) -> String {
        format!("{0}.{0}Exception", self.error_prefix)
    }

    /// Every error name some operation of the service models, sorted, with
    /// the generic one; built once per service and process.
    pub fn all_errors(&self) -> &[String] {
        self.errors.get_or_init(|| {
            let mut names: Vec<String> = self
                .operations
                .iter()
                .flat_map(|(_, op)| op.get().errors.iter().map(|e| self.error_name(e)))
                .chain(std::iter::once(self.generic_error()))
                .collect();
            names.sort();
            names.dedup();
            names
        })
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn uncapitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_model_is_in_the_index_and_loads() {
        let idx = index();
        assert_eq!(idx.services.len(), SERVICES.len());
        for (name, _) in SERVICES {
            assert!(idx.services.contains_key(*name), "{name}");
        }
        let s3 = service("s3").unwrap();
        let (op, get) = s3.operation("getObject").unwrap();
        assert_eq!(op, "GetObject");
        let input = s3.shape(get.input.as_deref().unwrap()).unwrap();
        assert_eq!(input.required, ["Bucket", "Key"]);
        assert_eq!(s3.error_name("NoSuchKey"), "S3.NoSuchKeyException");
        assert!(service("nope").is_none());
        let rds = service("rds").unwrap();
        assert_eq!(
            rds.error_name("DBInstanceNotFoundFault"),
            "Rds.DbInstanceNotFoundException"
        );
    }
}

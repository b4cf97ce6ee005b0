//! The AWS service models for `aws-sdk:` Tasks (`data/aws-models/`, see
//! `docs/aws-models.md`): one gzip'd JSON file per Step Functions service
//! name, embedded in the binary and decompressed only when a definition calls
//! that service, once per process.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::{Mutex, OnceLock};

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
/// `scripts/aws_models.py`), so an entry is found by a binary search over
/// the text itself, with no table built per service, and its JSON is
/// decoded the first time a check asks for it: a definition touches a
/// handful of a service's operations and shapes (EC2 has thousands).
/// Splitting every service into a table of its lines was 20M of 260M
/// instructions on the shared corpus (callgrind), and decoding every entry
/// before that 64M of 325M.
#[derive(Debug)]
pub struct Service {
    pub service: String,
    pub error_prefix: String,
    /// The operations' lines.
    operations: Section,
    /// The shapes' lines.
    shapes: Section,
    decoded_operations: Decoded<Operation>,
    decoded_shapes: Decoded<Shape>,
    /// Every error name some operation raises, built on first use.
    errors: OnceLock<Vec<String>>,
}

#[derive(Deserialize)]
struct Header {
    service: String,
    error_prefix: String,
}

/// Entries decoded so far, by name. Each is decoded once per process and
/// lives as long as it (a run decodes a few dozen).
#[derive(Debug)]
struct Decoded<T: 'static>(Mutex<HashMap<&'static str, &'static T>>);

impl<T: serde::de::DeserializeOwned> Decoded<T> {
    fn new() -> Self {
        Decoded(Mutex::new(HashMap::new()))
    }

    /// The entry called `name`: from the entries decoded so far, or found in
    /// `section` and decoded now. Checks ask for the same few entries many
    /// times, so the map answers most of them without a search.
    fn get(&self, section: &Section, name: &str) -> Option<(&'static str, &'static T)> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((&k, &v)) = map.get_key_value(name) {
            return Some((k, v));
        }
        let (name, raw) = section.find(name)?;
        let value: &'static T = Box::leak(Box::new(
            serde_json::from_str(raw).expect("embedded model entry is valid"),
        ));
        map.insert(name, value);
        Some((name, value))
    }
}

/// Lines `"Name":{...},` sorted by name.
#[derive(Debug)]
struct Section(&'static str);

impl Section {
    /// The name and JSON of the line starting at `start`, and where the
    /// next line starts.
    fn line(&self, start: usize) -> (&'static str, &'static str, usize) {
        let text = self.0;
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |e| start + e);
        let line = &text[start..end];
        let line = line.strip_suffix(',').unwrap_or(line);
        let (name, raw) = line
            .get(1..)
            .and_then(|l| l.split_once("\":"))
            .expect("embedded model entry is `\"Name\":{...}`");
        (name, raw, end + 1)
    }

    /// The entry called `name`, by binary search over the lines.
    fn find(&self, name: &str) -> Option<(&'static str, &'static str)> {
        let text = self.0;
        let (mut lo, mut hi) = (0, text.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // Bytes, not characters: `mid` may fall inside one.
            let start = memchr::memrchr(b'\n', &text.as_bytes()[..mid])
                .map_or(0, |i| i + 1)
                .max(lo);
            let (found, raw, next) = self.line(start);
            match found.cmp(name) {
                std::cmp::Ordering::Less => lo = next,
                std::cmp::Ordering::Greater => hi = start,
                std::cmp::Ordering::Equal => return Some((found, raw)),
            }
        }
        None
    }

    /// Every entry, in name order.
    fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.0.len() {
                return None;
            }
            let (name, raw, next) = self.line(at);
            at = next;
            Some((name, raw))
        })
    }
}

impl Service {
    /// Finds a service's header and its two sections in its text
    /// (`scripts/aws_models.py`, `service_text`).
    fn parse(text: &'static str) -> Service {
        let (first, rest) = text.split_once('\n').expect("embedded model has a header");
        let header: Header = serde_json::from_str(&format!(
            "{}}}",
            first
                .strip_suffix(',')
                .expect("header line ends in a comma")
        ))
        .expect("embedded model header is valid");
        let rest = rest
            .strip_prefix("\"operations\":{\n")
            .expect("embedded model lists its operations first");
        let (operations, shapes) = rest
            .split_once("},\n\"shapes\":{\n")
            .expect("embedded model lists its shapes after its operations");
        let shapes = shapes
            .strip_suffix("}\n}\n")
            .expect("embedded model ends its shapes and itself");
        Service {
            service: header.service,
            error_prefix: header.error_prefix,
            operations: Section(operations.strip_suffix('\n').unwrap_or(operations)),
            shapes: Section(shapes.strip_suffix('\n').unwrap_or(shapes)),
            decoded_operations: Decoded::new(),
            decoded_shapes: Decoded::new(),
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
        self.decoded_operations
            .get(&self.operations, &capitalize(action))
    }

    /// The `Resource` spelling of every operation (`getObject`).
    pub fn actions(&self) -> impl Iterator<Item = String> + '_ {
        self.operations.iter().map(|(k, _)| uncapitalize(k))
    }

    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.decoded_shapes
            .get(&self.shapes, name)
            .map(|(_, shape)| shape)
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
                .filter_map(|(name, _)| self.decoded_operations.get(&self.operations, name))
                .flat_map(|(_, op)| op.errors.iter().map(|e| self.error_name(e)))
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
        // The binary search over the text finds every entry of a large
        // service and nothing between them.
        let ec2 = service("ec2").unwrap();
        let names: Vec<&str> = ec2.shapes.iter().map(|(n, _)| n).collect();
        assert!(names.len() > 1000 && names.is_sorted());
        for name in &names {
            assert_eq!(ec2.shapes.find(name).map(|(n, _)| n), Some(*name));
            assert!(
                ec2.shapes
                    .find(&format!("{name}0"))
                    .is_none_or(|(n, _)| n != *name)
            );
        }
        assert!(ec2.shapes.find("").is_none() && ec2.shapes.find("~").is_none());
        assert_eq!(ec2.actions().count(), ec2.operations.iter().count());
        let rds = service("rds").unwrap();
        assert_eq!(
            rds.error_name("DBInstanceNotFoundFault"),
            "Rds.DbInstanceNotFoundException"
        );
    }
}

//! The two tables of a sweep, assembled from its parts into Parquet:
//! `runs.parquet` (one row per run) and `steps.parquet` (one row per run
//! per recorded tick). Written in batches, so that memory does not grow
//! with the number of runs; under temporary names, then renamed.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, UInt32Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::store::{Column, Kind, Manifest, Part, Store};
use super::sweep::SweepError;

/// The runs table's file.
pub const RUNS: &str = "runs.parquet";
/// The steps table's file.
pub const STEPS: &str = "steps.parquet";

/// Rows gathered before a batch is written.
const BATCH: usize = 16 * 1024;

/// A column under construction.
enum Builder {
    U32(UInt32Builder),
    I64(Int64Builder),
    F64(Float64Builder),
    Text(StringBuilder),
    Bool(BooleanBuilder),
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Int => Self::I64(Int64Builder::new()),
            Kind::Float => Self::F64(Float64Builder::new()),
            Kind::Text => Self::Text(StringBuilder::new()),
            Kind::Bool => Self::Bool(BooleanBuilder::new()),
        }
    }

    /// Appends a varied key's value (null where it does not fit the type).
    fn value(&mut self, v: &serde_json::Value) {
        match self {
            Self::I64(b) => b.append_option(v.as_i64()),
            Self::F64(b) => b.append_option(v.as_f64()),
            Self::Text(b) => match v {
                serde_json::Value::String(s) => b.append_value(s),
                other => b.append_value(other.to_string()),
            },
            Self::Bool(b) => b.append_option(v.as_bool()),
            Self::U32(b) => b.append_option(v.as_u64().and_then(|n| u32::try_from(n).ok())),
        }
    }

    /// Appends a metric's value.
    fn metric(&mut self, v: Option<f64>) {
        match self {
            Self::I64(b) => b.append_option(v.map(|x| x as i64)),
            Self::F64(b) => b.append_option(v),
            _ => unreachable!("metrics are numbers"),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::U32(b) => Arc::new(b.finish()),
            Self::I64(b) => Arc::new(b.finish()),
            Self::F64(b) => Arc::new(b.finish()),
            Self::Text(b) => Arc::new(b.finish()),
            Self::Bool(b) => Arc::new(b.finish()),
        }
    }
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Text => DataType::Utf8,
        Kind::Bool => DataType::Boolean,
    }
}

/// One table being written: its schema, its builders and its file.
struct Table {
    schema: Arc<Schema>,
    cols: Vec<Builder>,
    rows: usize,
    writer: ArrowWriter<File>,
}

impl Table {
    fn create(path: &Path, fields: Vec<(String, DataType, bool)>) -> Result<Self, SweepError> {
        let schema = Arc::new(Schema::new(
            fields
                .iter()
                .map(|(name, t, null)| Field::new(name, t.clone(), *null))
                .collect::<Vec<_>>(),
        ));
        let cols = fields
            .iter()
            .map(|(_, t, _)| match t {
                DataType::UInt32 => Builder::U32(UInt32Builder::new()),
                DataType::Int64 => Builder::new(Kind::Int),
                DataType::Float64 => Builder::new(Kind::Float),
                DataType::Utf8 => Builder::new(Kind::Text),
                _ => Builder::new(Kind::Bool),
            })
            .collect();
        let file = File::create(path)
            .map_err(|e| SweepError::io(&format!("cannot create {}", path.display()), e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("evosim {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))?;
        Ok(Self {
            schema,
            cols,
            rows: 0,
            writer,
        })
    }

    /// Counts a finished row and writes a batch when enough are gathered.
    fn row_done(&mut self) -> Result<(), SweepError> {
        self.rows += 1;
        if self.rows >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SweepError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays = self.cols.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| SweepError::Io(format!("a table batch: {e}")))?;
        self.writer
            .write(&batch)
            .map_err(|e| SweepError::Io(format!("writing a table: {e}")))?;
        self.rows = 0;
        Ok(())
    }

    fn close(mut self) -> Result<(), SweepError> {
        self.flush()?;
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| SweepError::Io(format!("closing a table: {e}")))
    }
}

/// The fixed columns and the varied keys' columns that lead both tables.
fn leading(varied: &[Column]) -> Vec<(String, DataType, bool)> {
    let mut f = vec![("run".to_string(), DataType::UInt32, false)];
    f.extend(
        varied
            .iter()
            .map(|c| (c.name.clone(), data_type(c.kind), true)),
    );
    f.push(("seed".into(), DataType::Int64, false));
    f
}

fn metric_fields(metrics: &[Column]) -> impl Iterator<Item = (String, DataType, bool)> + '_ {
    metrics
        .iter()
        .map(|c| (c.name.clone(), data_type(c.kind), true))
}

/// Appends a part's leading columns (run, varied values, seed).
fn lead(cols: &mut [Builder], p: &Part) -> usize {
    cols[0].value(&serde_json::Value::from(p.run));
    for (b, v) in cols[1..].iter_mut().zip(&p.values) {
        b.value(v);
    }
    let k = 1 + p.values.len();
    cols[k].value(&serde_json::Value::from(p.seed as i64));
    k + 1
}

/// Writes both tables of `store` from the parts of `runs` (ascending), the
/// manifest `m` naming the columns. Returns the statuses written.
pub fn write(store: &Store, m: &Manifest, runs: &[u32]) -> Result<(), SweepError> {
    let dir = store.dir();
    let (runs_tmp, steps_tmp) = (dir.join("runs.parquet.tmp"), dir.join("steps.parquet.tmp"));
    let mut fields = leading(&m.varied);
    fields.extend([
        ("status".to_string(), DataType::Utf8, false),
        ("stop_reason".to_string(), DataType::Utf8, true),
        ("ticks".to_string(), DataType::UInt32, false),
        ("wall_s".to_string(), DataType::Float64, false),
    ]);
    fields.extend(metric_fields(&m.metrics));
    fields.push(("error".into(), DataType::Utf8, true));
    let mut by_run = Table::create(&runs_tmp, fields)?;
    let mut fields = leading(&m.varied);
    fields.push(("tick".into(), DataType::UInt32, false));
    fields.extend(metric_fields(&m.metrics));
    let mut by_step = Table::create(&steps_tmp, fields)?;
    let metrics = m.metrics.len();
    for &run in runs {
        let p = store.get(run)?;
        if p.values.len() != m.varied.len()
            || p.rows.iter().any(|(_, v)| v.len() != metrics)
            || !(p.last.is_empty() || p.last.len() == metrics)
        {
            return Err(SweepError::Io(format!(
                "run {run}'s part does not match {}'s columns",
                dir.join("experiment.json").display()
            )));
        }
        let t = &mut by_run;
        let mut k = lead(&mut t.cols, &p);
        t.cols[k].value(&p.status.clone().into());
        match (&mut t.cols[k + 1], &p.reason) {
            (Builder::Text(b), r) => b.append_option(r.as_deref()),
            _ => unreachable!("stop_reason is text"),
        }
        t.cols[k + 2].value(&p.ticks.into());
        t.cols[k + 3].metric(Some(p.wall_s));
        k += 4;
        for i in 0..metrics {
            t.cols[k + i].metric(p.last.get(i).copied().flatten());
        }
        match (&mut t.cols[k + metrics], &p.error) {
            (Builder::Text(b), e) => b.append_option(e.as_deref()),
            _ => unreachable!("error is text"),
        }
        t.row_done()?;
        for (tick, values) in &p.rows {
            let t = &mut by_step;
            let k = lead(&mut t.cols, &p);
            t.cols[k].value(&(*tick).into());
            for (b, v) in t.cols[k + 1..].iter_mut().zip(values) {
                b.metric(*v);
            }
            t.row_done()?;
        }
    }
    by_run.close()?;
    by_step.close()?;
    for (tmp, name) in [(runs_tmp, RUNS), (steps_tmp, STEPS)] {
        std::fs::rename(&tmp, dir.join(name)).map_err(|e| {
            SweepError::io(&format!("cannot write {}", dir.join(name).display()), e)
        })?;
    }
    Ok(())
}

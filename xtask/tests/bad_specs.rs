//! The lint's error messages, one broken spec at a time, and `generate`'s all-or-nothing write.
//!
//! Each `tests/bad-specs/<case>.yaml` is a small valid spec with exactly one defect (its first
//! line says which). Its error message is snapshotted in `tests/snapshots/`.

use std::path::{Path, PathBuf};

use xtask::generate::{Mode, generate_spec, run};

/// A small valid spec: two operations, a bodiless 401 next to the JSON errors (the runtime
/// normalises every failure), and properties whose names are schema keywords.
const GOOD: &str = r#"
openapi: 3.0.3
info:
  title: Good
  version: 1.0.0
x-portico:
  provider: good
  env: GOOD_API_KEY
servers:
  - url: https://api.example.com
paths:
  /things:
    post:
      operationId: create_thing
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Thing' }
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
        '401':
          description: Missing or bad API key; the body is empty.
        4XX: { $ref: '#/components/responses/Error' }
        5XX: { $ref: '#/components/responses/Error' }
  /things/{thing_id}:
    get:
      operationId: get_thing
      parameters:
        - name: thing_id
          in: path
          required: true
          schema: { type: string }
        - name: limit
          in: query
          schema: { type: integer, minimum: 1, default: 10 }
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
        4XX: { $ref: '#/components/responses/Error' }
        5XX: { $ref: '#/components/responses/Error' }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
  responses:
    Error:
      description: Any error.
      content:
        application/json:
          schema: { $ref: '#/components/schemas/ErrorResponse' }
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: { type: string }
        default: { type: boolean }
        discriminator: { type: string }
        type: { $ref: '#/components/schemas/Kind' }
    Kind:
      type: string
      enum: [small, large]
    ErrorResponse:
      type: object
      x-portico-error: { code: name, message: message }
      properties:
        name: { type: string }
        message: { type: string }
"#;

fn bad_specs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/bad-specs")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).expect("readable");
            (name, text)
        })
        .collect()
}

#[test]
fn every_bad_spec_is_rejected_with_a_located_message() {
    let specs = bad_specs();
    assert!(specs.len() >= 14, "only {} bad specs", specs.len());
    for (name, text) in specs {
        let label = format!("specs/{name}");
        let message = match generate_spec(&label, &text) {
            Ok(_) => panic!("{name}: generated, but it has a defect"),
            Err(message) => message,
        };
        for line in message.lines() {
            assert!(
                line.starts_with(&format!("{label}: ")),
                "{name}: a line does not start with the file name: {line:?}"
            );
        }
        assert!(
            !message.contains("panicked at"),
            "{name}: a panic trace leaked into the message:\n{message}"
        );
        insta::assert_snapshot!(name.trim_end_matches(".yaml"), message);
    }
}

#[test]
fn a_good_spec_generates() {
    let krate = generate_spec("specs/good.yaml", GOOD).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(krate.provider, "good");
    assert_eq!(krate.operations, 2);
}

/// A fresh, empty directory under the system temp dir; removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("xtask-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn one_bad_spec_means_nothing_is_written() {
    let dir = TempDir::new("atomic");
    let specs = dir.0.join("specs");
    std::fs::create_dir_all(&specs).expect("specs dir");
    // `able` sorts before `bad` and `good` after it: a writer that stopped at the first failure
    // would still leave `able`'s crate behind.
    let bad = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs/two_success_shapes.yaml"),
    )
    .expect("bad spec");
    std::fs::write(specs.join("good.yaml"), GOOD).expect("write good");
    std::fs::write(
        specs.join("able.yaml"),
        GOOD.replace("provider: good", "provider: able"),
    )
    .expect("write able");
    std::fs::write(
        specs.join("bad.yaml"),
        bad.replace("provider: two_success_shapes", "provider: bad"),
    )
    .expect("write bad");

    let error = run(&dir.0, Mode::Write).expect_err("a bad spec must fail the run");
    assert!(
        error.contains("specs/bad.yaml: operation get_thing"),
        "the error does not name specs/bad.yaml:\n{error}"
    );
    assert!(
        !error.contains("specs/good.yaml"),
        "good.yaml was blamed:\n{error}"
    );
    assert!(error.ends_with("nothing was written."), "{error}");
    assert!(
        !dir.0.join("crates").exists(),
        "a crates/ directory was written despite the failure"
    );
}

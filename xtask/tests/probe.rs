#[test]
fn probe() {
    let dir = std::path::Path::new("/tmp/probe");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        match xtask::generate::generate_spec(&format!("specs/{name}"), &text) {
            Ok(k) => println!("== {name}: OK ({} ops)", k.operations),
            Err(e) => println!("== {name}:\n{e}"),
        }
    }
}

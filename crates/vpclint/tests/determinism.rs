//! The same inputs give byte-identical output in every format, whatever the thread count and
//! the order the plans are given in.

mod common;

#[test]
fn output_does_not_depend_on_threads_or_file_order() {
    let fixtures = common::fixtures();
    let plans: Vec<String> = [
        "example/plan.json",
        "C001/fail/plan.json",
        "R002/fail/plan.json",
        "graph/community-vpc/plan.json",
    ]
    .iter()
    .map(|p| fixtures.join(p).display().to_string())
    .collect();
    let mut reversed = plans.clone();
    reversed.reverse();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let run = |jobs: &str, plans: &[String]| {
            let out = common::vpclint()
                .current_dir(common::workspace())
                .args([
                    "check",
                    "--no-timing",
                    "--color",
                    "never",
                    "--format",
                    format,
                    "-j",
                    jobs,
                ])
                .args(plans)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let one = run("1", &plans);
        assert_eq!(one, run("8", &plans), "{format}: -j 1 and -j 8 differ");
        assert_eq!(
            one,
            run("8", &reversed),
            "{format}: file order changes the output"
        );
    }
}

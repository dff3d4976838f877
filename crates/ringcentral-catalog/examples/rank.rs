//! Prints the ranking of intent search for a request: `cargo run -p ringcentral-catalog --example rank -- "send a fax"`.

fn main() {
    let query = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    for hit in ringcentral_catalog::search(&query, 10) {
        println!(
            "{:7.3}  {:40} {}",
            hit.score,
            hit.action.operation_id(),
            hit.action.name()
        );
    }
}

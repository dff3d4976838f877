fn main() {
    println!("ringctl");
}

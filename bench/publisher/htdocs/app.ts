/** The published module of the benchmark: `/app/greet?name=bob&n=3`. */
export function greet(name: string, n = "1") {
  return `Hello, ${name}! `.repeat(Number(n));
}

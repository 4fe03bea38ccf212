// Filled in by the storage test support: decides once per run whether PostgreSQL is reachable.
export default function setup(): void {}

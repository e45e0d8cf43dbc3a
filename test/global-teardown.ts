export default async function globalTeardown(): Promise<void> {
  // Nothing shared to stop: each file closes its apps; SQLite files live in the OS temp folder.
}

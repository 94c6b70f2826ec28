/**
 * Whether a process id is running. EPERM means it exists but belongs to another user: that is alive (a
 * lock or a work folder of such a process must not be taken over or deleted).
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

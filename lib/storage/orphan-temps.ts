/**
 * Temp files left by writers that died mid-write (fileStorage writes `<prefix><pid>-<random>` and
 * renames it into place; a SIGKILL between the two leaves the temp file). Opening the store
 * removes those whose writer is gone, so kills never pile up orphans (prune() still removes any
 * temp file older than `staleTempMs`, whoever wrote it).
 *
 * A writer is gone when no process has its pid (`process.kill(pid, 0)` fails with ESRCH; EPERM
 * means a process of another user has it: kept). Our own pid's temp files belong to writes of this
 * process under way (another store over the same directory): kept. Only this host's pids can be
 * checked: on a directory shared by several hosts (a network filesystem) another host's live
 * writer may lose its temp file, and that write then fails (reported, nothing torn); its
 * orphans from dead writers are still removed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function removeDeadWritersTemps(dir: string, prefix: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0; // no directory yet (or unreadable: every later call reports that)
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    try {
      await fs.unlink(path.join(dir, name));
      removed++;
    } catch {
      // Gone already (another process opening the store at the same time) or not ours to remove.
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

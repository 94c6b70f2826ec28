import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockFolder } from '../../../src/get/folderLock.js';
import { tempDir } from '../../helpers/cli.js';

describe('lockFolder', () => {
  it('refuses a folder another running get holds, takes over a lock whose owner is gone, and releases it', async () => {
    const dir = tempDir();
    const lock = path.join(dir, '.evergreen-get.lock');
    writeFileSync(lock, String(process.ppid)); // a process that is running
    await expect(lockFolder(dir)).rejects.toThrow(`Another evergreen get (process ${process.ppid})`);
    writeFileSync(lock, '4194303'); // above Linux's pid_max default: no such process
    const unlock = await lockFolder(dir);
    expect(existsSync(lock)).toBe(true);
    await unlock();
    expect(existsSync(lock)).toBe(false);
  });
});

import { ecsErrors } from './errors';

/** The tail ECS appends to its task size errors (Amazon ECS Developer Guide, "Invalid CPU or memory value"). */
const TROUBLESHOOTING = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';

/**
 * Task-level cpu/memory: ECS accepts "1024", "1 vCPU" / "1vcpu", "0.5 vCPU"; "2048", "2 GB" / "2GB", and returns
 * integer strings (cpu units, MiB).
 */
export function normalizeCpu(value: string): string {
  const vcpu = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(value);
  if (vcpu?.[1]) return String(Math.round(Number(vcpu[1]) * 1024));
  if (/^\s*\d+\s*$/.test(value)) return String(Number(value));
  throw ecsErrors.client(`Invalid 'cpu' setting for task. ${TROUBLESHOOTING}`);
}

export function normalizeMemory(value: string): string {
  const gb = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(value);
  if (gb?.[1]) return String(Math.round(Number(gb[1]) * 1024));
  if (/^\s*\d+\s*$/.test(value)) return String(Number(value));
  throw ecsErrors.client(`Invalid 'memory' setting for task. ${TROUBLESHOOTING}`);
}

/** Fargate's supported task sizes (Linux): cpu units -> allowed memory in MiB. */
function fargateMemoryOptions(cpu: number): number[] {
  const range = (from: number, to: number, step: number): number[] => {
    const out: number[] = [];
    for (let m = from; m <= to; m += step) out.push(m);
    return out;
  };
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

export function isFargateSize(cpu: string, memory: string): boolean {
  return fargateMemoryOptions(Number(cpu)).includes(Number(memory));
}

export function assertFargateSize(cpu: string, memory: string): void {
  if (!isFargateSize(cpu, memory)) {
    throw ecsErrors.client(
      `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. ` +
        'See the Amazon ECS documentation for the valid values.',
    );
  }
}

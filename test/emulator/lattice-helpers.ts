/** Shared setup of the VPC Lattice fidelity tests: the real SDK client pointed at the emulator, and fixtures. */
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { Emulator } from '../../src/emulator/server';
import { REGION } from './helpers';

export function lattice(emulator: Emulator, opts: { accessKeyId?: string } = {}): vl.VPCLatticeClient {
  return new vl.VPCLatticeClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

export const VPC = 'vpc-0123456789abcdef0';

/** An IP target group on port 8080 (HTTP unless told). */
export async function ipTargetGroup(
  client: vl.VPCLatticeClient,
  name: string,
  config: Partial<vl.TargetGroupConfig> = {},
): Promise<vl.CreateTargetGroupCommandOutput> {
  return client.send(
    new vl.CreateTargetGroupCommand({
      name,
      type: 'IP',
      config: { port: 8080, protocol: 'HTTP', vpcIdentifier: VPC, ...config },
    }),
  );
}

/** A service with an HTTP listener forwarding to the given target groups (equal weights unless given). */
export async function serviceWithListener(
  client: vl.VPCLatticeClient,
  name: string,
  targetGroups: { targetGroupIdentifier: string; weight?: number }[],
): Promise<{ serviceId: string; listenerId: string; serviceArn: string; listenerArn: string }> {
  const svc = await client.send(new vl.CreateServiceCommand({ name }));
  const listener = await client.send(
    new vl.CreateListenerCommand({
      serviceIdentifier: svc.id,
      name: 'http',
      protocol: 'HTTP',
      defaultAction: { forward: { targetGroups } },
    }),
  );
  return {
    serviceId: svc.id ?? '',
    listenerId: listener.id ?? '',
    serviceArn: svc.arn ?? '',
    listenerArn: listener.arn ?? '',
  };
}

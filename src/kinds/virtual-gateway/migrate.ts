/**
 * VirtualGateway -> no mesh successor on either target: an Application Load Balancer listener takes its place
 * (the gateway routes become listener rules, see gateway-route/migrate.ts), and its Envoy-only ECS service retires.
 */
import type { FieldRule, KindMigration, Outcome, RuleMatch } from '../../migrate/model';

function bothFn(fn: (m: RuleMatch) => Outcome): Pick<FieldRule, 'service-connect' | 'vpc-lattice'> {
  return { 'service-connect': fn, 'vpc-lattice': fn };
}

function both(outcome: Outcome): Pick<FieldRule, 'service-connect' | 'vpc-lattice'> {
  return { 'service-connect': outcome, 'vpc-lattice': outcome };
}

export function albListenerInput(gateway: string) {
  return {
    key: `alb.listenerArn.${gateway}`,
    description: `The ALB listener that replaces virtual gateway ${gateway} (a new listener or load balancer, so traffic can move by weighted DNS)`,
    example: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shop/0123456789abcdef/fedcba9876543210',
  };
}

const rules: FieldRule[] = [
  {
    path: '/backendDefaults/clientPolicy/tls',
    ...both({
      status: 'approx',
      detail: 'ALB to target TLS: an HTTPS target group; client certificates and SAN checks are not kept',
    }),
  },
  {
    path: '/listeners/*/connectionPool',
    ...both({ status: 'dropped', detail: 'an ALB has no connection or pending-request limits' }),
  },
  {
    path: '/listeners/*/healthCheck',
    ...both({
      status: 'approx',
      detail: 'set the same path, interval and thresholds on each ALB target group the rules forward to',
    }),
  },
  {
    path: '/listeners/*/portMapping',
    ...bothFn((m) => {
      const input = albListenerInput(m.source.doc.metadata.name);
      return m.run.input(input.key, input.description, input.example) === undefined
        ? { status: 'needs-input', target: 'ALB listener', detail: `the ALB listener on this port: give ${input.key}` }
        : {
            status: 'carried',
            target: 'ALB listener',
            detail: 'the given ALB listener takes the rules; put it on the same port',
          };
    }),
  },
  {
    path: '/listeners/*/tls/certificate',
    ...both({
      status: 'approx',
      detail: 'an HTTPS ALB listener with an ACM certificate (file and SDS certificates must be imported into ACM)',
    }),
  },
  {
    path: '/listeners/*/tls/mode',
    ...both({ status: 'approx', detail: 'HTTPS listener; PERMISSIVE needs an HTTP listener beside it' }),
  },
  {
    path: '/listeners/*/tls/validation',
    ...both({ status: 'approx', detail: 'ALB mutual TLS with a trust store (verify mode) replaces client validation' }),
  },
  { path: '/logging', ...both({ status: 'approx', detail: 'ALB access logs (to S3) replace the Envoy access log' }) },
];

export const virtualGatewayMigration: KindMigration = {
  kind: 'VirtualGateway',
  specShape: 'VirtualGatewaySpec',
  rules,
  migrate: (source, run) => {
    run.note(
      `Virtual gateway ${source.doc.metadata.name} has no mesh successor: its gateway routes are given below as ALB listener rules (ELBv2 CreateRule input).`,
    );
  },
};

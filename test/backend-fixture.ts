/**
 * A minimal IBackend for wiring tests: an AppService plus the pod labels it selects (no workload behind it).
 * Without ports it is a headless Service.
 */
import { Construct } from 'constructs';
import { AppService, AppServicePort, PodPort } from '../lib/network/service';
import { BackendPort, IBackend, ServiceEndpoint, namespaceOf } from '../lib/network/wiring';

export class FixtureBackend extends Construct implements IBackend {
  public readonly service: AppService;
  constructor(scope: Construct, id: string, ports: AppServicePort[] = [{ name: 'http', port: 80, targetPort: 8080 }], podPorts?: PodPort[]) {
    super(scope, id);
    this.service = new AppService(this, 'Service', { name: id, selector: this.podSelector, ports: ports.length ? ports : undefined, headless: ports.length === 0, podPorts });
  }
  public get peerName(): string {
    return this.node.id;
  }
  public get podSelector(): Record<string, string> {
    return { 'app.kubernetes.io/name': this.node.id, 'app.kubernetes.io/instance': this.node.id };
  }
  public get namespace(): string | undefined {
    return namespaceOf(this);
  }
  public get endpoint(): ServiceEndpoint {
    return this.service.endpoint;
  }
  public get backendPorts(): BackendPort[] {
    return this.service.backendPorts;
  }
}

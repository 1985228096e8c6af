// The book's Services (TheK8sBook services/): a Deployment whose pods carry `chapter: services`, its NodePort
// Service `svc-test`, a LoadBalancer `cloud-lb` on port 9000 and a dual-stack ClusterIP Service, all over the same pods.
import { Chart } from 'cdk8s';
import { IpFamilyPolicy, KubecraftApp, ServiceProtocol, ServiceType, TargetPortStyle, WebApp } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'services');

// #region
const web = new WebApp(chart, 'svc-test', {
  selectorLabels: { chapter: 'services' },
  podLabels: { app: 'hello-world' }, // what dual-stack-svc selects
  replicas: 10,
  containerName: 'hello-ctr',
  image: 'nigelpoulton/k8sbook:1.0',
  ports: [{ name: 'http', port: 8080, nodePort: 30001 }],
  service: { type: ServiceType.NODE_PORT, labels: { chapter: 'services' }, targetPortStyle: TargetPortStyle.BY_NUMBER },
});
web.addService('cloud-lb', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 9000, targetPort: 8080 }] });
web.addService('dual-stack-svc', {
  ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK,
  selector: { app: 'hello-world' },
  ports: [{ port: 8080, protocol: ServiceProtocol.TCP }],
});
// #endregion

app.synth();

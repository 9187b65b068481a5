export { startBroker, type BrokerOptions, type RunningBroker } from './broker';
export { SUPPORTED_VERSIONS } from './protocol/api';

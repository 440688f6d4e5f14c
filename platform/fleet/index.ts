/** Several hosts: a shared configuration generation for coordinated reloads (`tsmod deploy`). */
export { GenerationWatch, deploy, fleetSettings, DEPLOY_DATABASE, DEPLOY_HOST, DEPLOY_SCHEMA, type FleetSettings, type HostState } from "./generation";

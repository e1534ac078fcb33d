# prod's public DNS: certificates in both serving regions, latency records and
# health checks for each region whose stack is up.
environment = "prod"
owner       = "platform"
cost_center = "org-app"

service_record_name = "api"
certificate_regions = ["us-east-1", "us-west-2"]
serving_stacks = {
  "us-east-1" = "org-app-prod-use1"
  "us-west-2" = "org-app-prod-usw2"
}

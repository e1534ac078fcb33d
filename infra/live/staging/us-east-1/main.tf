# One module call. terraform.tfvars carries the environment's design;
# account.auto.tfvars the identifiers of the adopter's account, merged in
# here (account.auto.tfvars.example lists them).
module "region" {
  source = "../../../stacks/region"

  environment              = var.environment
  azs                      = var.azs
  regions                  = var.regions
  vpc_cidrs                = var.vpc_cidrs
  single_nat_gateway       = var.single_nat_gateway
  app_internet_egress      = var.app_internet_egress
  network                  = var.network
  endpoint_organization_id = var.endpoint_organization_id
  service_fqdn             = var.service_fqdn
  dns                      = var.dns_domain_name == null ? null : { domain_name = var.dns_domain_name, existing_zone_id = var.dns_zone_id }
  image_pipeline_enabled   = var.image_pipeline_enabled

  access = merge(var.access, {
    server_certificate_arn            = var.vpn_server_certificate_arn
    client_root_certificate_chain_arn = var.vpn_client_root_certificate_chain_arn
    saml_provider_arn                 = var.vpn_saml_provider_arn
    authorized_group_ids              = var.vpn_authorized_group_ids
  })
  eks = merge(var.eks, {
    access_entries     = var.operator_access_entries
    ci_deploy_role_arn = var.ci_deploy_role_arn
  })
  edge              = var.edge
  observability     = merge(var.observability, { alarm_email_addresses = var.alarm_email_addresses })
  security_services = var.security_services
  promotion         = var.promotion

  dns_firewall_allowed_domains = var.dns_firewall_allowed_domains
  ci                           = var.ci
}

provider "aws" {
  # Route 53 and its health checks are global; ACM certificates and the NLB
  # lookups name their region on each resource (provider 6.x "region").
  region              = var.home_region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      env           = var.environment
      region        = "global"
      owner         = var.owner
      "cost-center" = var.cost_center
      managed-by    = "opentofu"
    }
  }
}

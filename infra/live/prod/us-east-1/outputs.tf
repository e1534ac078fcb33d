output "stack" {
  description = "Everything the deploy step and operators need from this region (infra/stacks/region outputs)."
  value       = module.region
}

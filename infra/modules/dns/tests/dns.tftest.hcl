# modules/dns planned against OpenTofu's mock provider (offline). Assertions
# on values the module decides: one certificate, health check, latency record
# and per-region name per region, the shared validation records, the alias and
# health check settings, the CAA record.

# ACM's validation options as it would list them for these names (the mock
# gives every certificate all three; the module must pick each name's own).
mock_provider "aws" {
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:111122223333:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
      domain_validation_options = [
        {
          domain_name           = "api.example.com"
          resource_record_name  = "_a79865eb4cd1a6ab990a45779b4e0b96.api.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_424c7224e9b0146f9a8808af955727d0.acm-validations.aws."
        },
        {
          domain_name           = "us-east-1.api.example.com"
          resource_record_name  = "_1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e.us-east-1.api.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f.acm-validations.aws."
        },
        {
          domain_name           = "us-west-2.api.example.com"
          resource_record_name  = "_2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e.us-west-2.api.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f.acm-validations.aws."
        },
      ]
    }
  }
}

override_resource {
  target = aws_route53_zone.this
  values = {
    zone_id      = "Z0UNITZONE"
    name_servers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com", "ns-3.awsdns-03.net", "ns-4.awsdns-04.co.uk"]
  }
}
override_resource {
  target = aws_route53_record.validation
  values = { fqdn = "_a79865eb4cd1a6ab990a45779b4e0b96.api.example.com" }
}
override_resource {
  target = aws_route53_record.regional
  values = { fqdn = "regional.api.example.com" }
}
override_resource {
  target = aws_route53_health_check.this
  values = { id = "hc-unit" }
}

variables {
  name                = "unit"
  domain_name         = "example.com"
  certificate_regions = ["us-east-1", "us-west-2"]
  endpoints = {
    "us-east-1" = {
      nlb_dns_name = "unit-use1-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
      nlb_zone_id  = "Z26RNL4JYFTOTI"
    }
    "us-west-2" = {
      nlb_dns_name = "unit-usw2-nlb-0123456789abcdef.elb.us-west-2.amazonaws.com"
      nlb_zone_id  = "Z18D5FSROUN65G"
    }
  }
}

run "zone_and_certificates" {
  command = plan

  assert {
    condition     = length(aws_route53_zone.this) == 1 && aws_route53_zone.this[0].name == "example.com" && aws_route53_zone.this[0].force_destroy == false && length(data.aws_route53_zone.existing) == 0
    error_message = "Without existing_zone_id the module must create the public zone of domain_name, without force_destroy."
  }

  assert {
    condition     = output.zone_id == "Z0UNITZONE" && length(output.name_servers) == 4 && output.fqdn == "api.example.com"
    error_message = "The outputs must expose the zone id, its name servers and the service FQDN."
  }

  assert {
    condition     = toset(keys(aws_acm_certificate.this)) == toset(["us-east-1", "us-west-2"]) && alltrue([for r, c in aws_acm_certificate.this : c.region == r])
    error_message = "There must be exactly one certificate per region, each in its own region."
  }

  assert {
    condition = alltrue([
      for c in aws_acm_certificate.this :
      c.domain_name == "api.example.com" && c.validation_method == "DNS" && c.key_algorithm == "RSA_2048" &&
      c.options[0].certificate_transparency_logging_preference == "ENABLED"
    ])
    error_message = "Every certificate must be for api.example.com, DNS-validated, RSA 2048, with CT logging."
  }

  assert {
    condition = (
      aws_acm_certificate.this["us-east-1"].subject_alternative_names == toset(["us-east-1.api.example.com"]) &&
      aws_acm_certificate.this["us-west-2"].subject_alternative_names == toset(["us-west-2.api.example.com"])
    )
    error_message = "Each region's certificate must carry that region's own name as a SAN, and no other region's."
  }

  assert {
    condition = output.certificate_names == {
      "us-east-1" = ["api.example.com", "us-east-1.api.example.com"]
      "us-west-2" = ["api.example.com", "us-west-2.api.example.com"]
    }
    error_message = "certificate_names must list the service name and the region's name per region."
  }

  assert {
    condition = (
      toset(keys(aws_route53_record.validation)) == toset(["api.example.com", "us-east-1.api.example.com", "us-west-2.api.example.com"]) &&
      alltrue([for r in aws_route53_record.validation : r.zone_id == "Z0UNITZONE" && r.type == "CNAME"]) &&
      aws_route53_record.validation["api.example.com"].name == "_a79865eb4cd1a6ab990a45779b4e0b96.api.example.com." &&
      aws_route53_record.validation["api.example.com"].records == toset(["_424c7224e9b0146f9a8808af955727d0.acm-validations.aws."]) &&
      aws_route53_record.validation["us-east-1.api.example.com"].name == "_1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e.us-east-1.api.example.com." &&
      aws_route53_record.validation["us-east-1.api.example.com"].records == toset(["_1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f.acm-validations.aws."]) &&
      aws_route53_record.validation["us-west-2.api.example.com"].name == "_2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e.us-west-2.api.example.com." &&
      aws_route53_record.validation["us-west-2.api.example.com"].records == toset(["_2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f.acm-validations.aws."])
    )
    error_message = "One validation CNAME per name (the service name shared by the regions, each regional name its own) must be in the zone, with ACM's name and value for that name."
  }

  assert {
    condition = (
      toset(keys(aws_acm_certificate_validation.this)) == toset(["us-east-1", "us-west-2"]) &&
      aws_acm_certificate_validation.this["us-west-2"].region == "us-west-2" &&
      aws_acm_certificate_validation.this["us-west-2"].validation_record_fqdns == toset([for r in aws_route53_record.validation : r.fqdn])
    )
    error_message = "Every region must wait for its certificate's validation on the zone's records."
  }

  assert {
    condition     = toset(keys(output.certificate_arns)) == toset(["us-east-1", "us-west-2"])
    error_message = "certificate_arns must have an entry per region."
  }
}

run "health_checks" {
  command = plan

  assert {
    condition     = toset(keys(aws_route53_health_check.this)) == toset(["us-east-1", "us-west-2"])
    error_message = "There must be exactly one health check per serving region."
  }

  assert {
    condition = alltrue([
      for r, hc in aws_route53_health_check.this :
      hc.type == "HTTPS" && hc.port == 443 && hc.resource_path == "/" && hc.fqdn == var.endpoints[r].nlb_dns_name &&
      hc.enable_sni == true && hc.failure_threshold == 3 && hc.request_interval == 30 && hc.measure_latency == false &&
      hc.invert_healthcheck == false && hc.disabled == false
    ])
    error_message = "Every health check must be HTTPS on 443, path /, against its own region's NLB name, with SNI, threshold 3, interval 30."
  }

  assert {
    condition     = output.health_check_ids == { "us-east-1" = "hc-unit", "us-west-2" = "hc-unit" }
    error_message = "health_check_ids must map every region to its check."
  }
}

run "latency_records" {
  command = plan

  assert {
    condition     = toset(keys(aws_route53_record.service)) == toset(["us-east-1", "us-west-2"])
    error_message = "There must be exactly one latency record per serving region."
  }

  assert {
    condition = alltrue([
      for r, rec in aws_route53_record.service :
      rec.zone_id == "Z0UNITZONE" && rec.name == "api.example.com" && rec.type == "A" && rec.set_identifier == r &&
      rec.latency_routing_policy[0].region == r && rec.health_check_id == aws_route53_health_check.this[r].id &&
      length(rec.failover_routing_policy) == 0 && length(rec.weighted_routing_policy) == 0 && length(rec.geolocation_routing_policy) == 0
    ])
    error_message = "Every record must be an A record for the service name with set_identifier and latency region = its region and its region's health check."
  }

  assert {
    condition = alltrue([
      for r, rec in aws_route53_record.service :
      rec.alias[0].name == var.endpoints[r].nlb_dns_name && rec.alias[0].zone_id == var.endpoints[r].nlb_zone_id && rec.alias[0].evaluate_target_health == true
    ])
    error_message = "Every record must alias its own region's NLB with evaluate_target_health on."
  }

  assert {
    condition     = tolist(output.record_set_identifiers) == tolist(["us-east-1", "us-west-2"])
    error_message = "record_set_identifiers must list the serving regions."
  }
}

run "regional_records" {
  command = plan

  assert {
    condition     = toset(keys(aws_route53_record.regional)) == toset(["us-east-1", "us-west-2"])
    error_message = "Every serving region must get its own name."
  }

  assert {
    condition = alltrue([
      for r, rec in aws_route53_record.regional :
      rec.zone_id == "Z0UNITZONE" && rec.name == "${r}.api.example.com" && rec.type == "A" &&
      rec.alias[0].name == var.endpoints[r].nlb_dns_name && rec.alias[0].zone_id == var.endpoints[r].nlb_zone_id &&
      rec.alias[0].evaluate_target_health == false &&
      length(rec.latency_routing_policy) == 0 && length(rec.failover_routing_policy) == 0 &&
      length(rec.weighted_routing_policy) == 0 && length(rec.geolocation_routing_policy) == 0
    ])
    error_message = "Each per-region name must be a plain A alias to its own region's NLB (no routing policy, no target-health evaluation): it must answer with that region even while it is unhealthy."
  }

  assert {
    condition = alltrue([
      for r, rec in aws_route53_record.service :
      rec.name == "api.example.com" && rec.latency_routing_policy[0].region == r && rec.alias[0].evaluate_target_health == true
    ])
    error_message = "The latency records of the service name must stay as they are."
  }

  assert {
    condition     = output.regional_fqdns == { "us-east-1" = "us-east-1.api.example.com", "us-west-2" = "us-west-2.api.example.com" }
    error_message = "regional_fqdns must map every serving region to its own name."
  }
}

run "regional_names_off" {
  command = plan

  variables {
    regional_record_names     = false
    subject_alternative_names = ["www.example.com"]
  }

  override_resource {
    target = aws_acm_certificate.this
    values = {
      domain_validation_options = [
        {
          domain_name           = "api.example.com"
          resource_record_name  = "_a79865eb4cd1a6ab990a45779b4e0b96.api.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_424c7224e9b0146f9a8808af955727d0.acm-validations.aws."
        },
        {
          domain_name           = "www.example.com"
          resource_record_name  = "_77777777777777777777777777777777.www.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_88888888888888888888888888888888.acm-validations.aws."
        },
      ]
    }
  }

  assert {
    condition     = length(aws_route53_record.regional) == 0 && output.regional_fqdns == {}
    error_message = "With regional_record_names off there must be no per-region records."
  }

  assert {
    condition     = alltrue([for c in aws_acm_certificate.this : c.subject_alternative_names == toset(["www.example.com"])])
    error_message = "With regional_record_names off the certificates must carry only subject_alternative_names."
  }

  assert {
    condition     = toset(keys(aws_route53_record.validation)) == toset(["api.example.com", "www.example.com"])
    error_message = "With regional_record_names off only the service name and the SANs are validated."
  }
}

run "caa_record" {
  command = plan

  assert {
    condition = (
      length(aws_route53_record.caa) == 1 &&
      aws_route53_record.caa[0].name == "api.example.com" &&
      aws_route53_record.caa[0].type == "CAA" &&
      aws_route53_record.caa[0].records == toset(["0 issue \"amazon.com\""])
    )
    error_message = "The service name must carry a CAA record that lets only Amazon issue."
  }
}

run "certificates_only_first_apply" {
  command = plan

  variables {
    endpoints = {}
  }

  assert {
    condition     = length(aws_acm_certificate.this) == 2 && length(aws_route53_health_check.this) == 0 && length(aws_route53_record.service) == 0 && length(aws_route53_record.regional) == 0
    error_message = "Without endpoints only the certificates (and zone) must be planned."
  }

  assert {
    condition     = aws_acm_certificate.this["us-west-2"].subject_alternative_names == toset(["us-west-2.api.example.com"]) && output.regional_fqdns == {}
    error_message = "The first apply must already put each region's name on its certificate (the records follow with the endpoints)."
  }
}

run "existing_zone_sans_and_options" {
  command = plan

  variables {
    existing_zone_id               = "Z0EXISTING"
    service_record_name            = "app"
    subject_alternative_names      = ["*.example.com", "example.com"]
    certificate_regions            = ["us-east-1"]
    certificate_key_algorithm      = "EC_prime256v1"
    health_check_path              = "/readyz"
    health_check_failure_threshold = 2
    health_check_request_interval  = 10
    health_check_regions           = ["us-east-1", "us-west-2", "eu-west-1"]
    health_check_measure_latency   = true
    caa_issuers                    = []
    endpoints = {
      "us-east-1" = {
        nlb_dns_name = "unit-use1-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
        nlb_zone_id  = "Z26RNL4JYFTOTI"
      }
    }
  }

  override_resource {
    target = aws_acm_certificate.this
    values = {
      arn = "arn:aws:acm:us-east-1:111122223333:certificate/0b6c3a52-1f1e-4c1a-9a51-6f1d2c3b4a5e"
      domain_validation_options = [
        {
          domain_name           = "app.example.com"
          resource_record_name  = "_11111111111111111111111111111111.app.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_22222222222222222222222222222222.acm-validations.aws."
        },
        {
          domain_name           = "*.example.com"
          resource_record_name  = "_33333333333333333333333333333333.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_44444444444444444444444444444444.acm-validations.aws."
        },
        {
          domain_name           = "example.com"
          resource_record_name  = "_33333333333333333333333333333333.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_44444444444444444444444444444444.acm-validations.aws."
        },
        {
          domain_name           = "us-east-1.app.example.com"
          resource_record_name  = "_55555555555555555555555555555555.us-east-1.app.example.com."
          resource_record_type  = "CNAME"
          resource_record_value = "_66666666666666666666666666666666.acm-validations.aws."
        },
      ]
    }
  }

  override_data {
    target = data.aws_route53_zone.existing
    values = {
      name         = "example.com."
      private_zone = false
      name_servers = ["ns-9.awsdns-09.org"]
    }
  }

  assert {
    condition     = length(aws_route53_zone.this) == 0 && output.zone_id == "Z0EXISTING" && tolist(output.name_servers) == tolist(["ns-9.awsdns-09.org"])
    error_message = "With existing_zone_id no zone must be created and the existing one used."
  }

  assert {
    condition     = aws_acm_certificate.this["us-east-1"].domain_name == "app.example.com" && aws_acm_certificate.this["us-east-1"].subject_alternative_names == toset(["*.example.com", "example.com", "us-east-1.app.example.com"]) && aws_acm_certificate.this["us-east-1"].key_algorithm == "EC_prime256v1"
    error_message = "The certificate must follow service_record_name, the SANs and the key algorithm."
  }

  assert {
    condition = (
      toset(keys(aws_route53_record.validation)) == toset(["app.example.com", "example.com", "us-east-1.app.example.com"]) &&
      aws_route53_record.validation["example.com"].name == "_33333333333333333333333333333333.example.com." &&
      aws_route53_record.validation["us-east-1.app.example.com"].records == toset(["_66666666666666666666666666666666.acm-validations.aws."]) &&
      aws_route53_record.validation["app.example.com"].records == toset(["_22222222222222222222222222222222.acm-validations.aws."]) &&
      aws_route53_record.validation["app.example.com"].zone_id == "Z0EXISTING"
    )
    error_message = "A wildcard and its base name must share one validation record, each with ACM's name and value, in the existing zone."
  }

  assert {
    condition = (
      aws_route53_health_check.this["us-east-1"].resource_path == "/readyz" &&
      aws_route53_health_check.this["us-east-1"].failure_threshold == 2 &&
      aws_route53_health_check.this["us-east-1"].request_interval == 10 &&
      aws_route53_health_check.this["us-east-1"].regions == toset(["us-east-1", "us-west-2", "eu-west-1"]) &&
      aws_route53_health_check.this["us-east-1"].measure_latency == true
    )
    error_message = "The health check must follow its inputs."
  }

  assert {
    condition     = length(aws_route53_record.caa) == 0 && aws_route53_record.service["us-east-1"].name == "app.example.com" && aws_route53_record.service["us-east-1"].zone_id == "Z0EXISTING" && aws_route53_record.regional["us-east-1"].name == "us-east-1.app.example.com" && aws_route53_record.regional["us-east-1"].zone_id == "Z0EXISTING"
    error_message = "Without caa_issuers there must be no CAA record; the service record must be in the existing zone."
  }
}

run "existing_zone_of_another_domain_is_rejected" {
  command = plan

  variables {
    existing_zone_id = "Z0EXISTING"
  }

  override_data {
    target = data.aws_route53_zone.existing
    values = { name = "example.org.", private_zone = false }
  }

  expect_failures = [aws_acm_certificate.this]
}

run "private_existing_zone_is_rejected" {
  command = plan

  variables {
    existing_zone_id = "Z0EXISTING"
  }

  override_data {
    target = data.aws_route53_zone.existing
    values = { name = "example.com.", private_zone = true }
  }

  expect_failures = [aws_acm_certificate.this]
}

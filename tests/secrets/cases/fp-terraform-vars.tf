variable "db_password" {
  type      = string
  sensitive = true
}

resource "x" "y" {
  password = var.db_password
  token    = data.vault_generic_secret.api.data["token"]
}

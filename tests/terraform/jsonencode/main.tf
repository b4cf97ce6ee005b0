# An order pipeline written the way most Terraform writes a definition:
# the HCL object is the definition. Two mistakes: `Next` names a state
# that does not exist, and `MaxAttempts` is a string.
resource "aws_sfn_state_machine" "orders" {
  name     = "orders-${var.stage}"
  role_arn = aws_iam_role.orders.arn

  definition = jsonencode({
    Comment = "Charge, then ship"
    StartAt = "Charge"
    States = {
      Charge = {
        Type     = "Task"
        Resource = "arn:aws:states:::lambda:invoke"
        Parameters = {
          FunctionName = aws_lambda_function.charge.arn
          "Payload.$"  = "$"
        }
        Retry = [{
          ErrorEquals = ["Lambda.TooManyRequestsException"]
          MaxAttempts = "3"
        }]
        Next = "Shpi"
      }
      Ship = {
        Type           = "Task"
        Resource       = "arn:aws:states:::lambda:invoke"
        TimeoutSeconds = var.ship_timeout
        Parameters = {
          FunctionName = "${var.prefix}-ship"
        }
        End = true
      }
    }
  })
}

variable "stage" {}
variable "prefix" {}
variable "ship_timeout" {
  type = number
}

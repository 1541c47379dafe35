"""How people get an account: invitations one by one or from a spreadsheet, accepting one,
and sign-up that only an invitation opens. The rows (Invitation) belong to accounts."""

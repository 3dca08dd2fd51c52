/* tinyauth: password checking for the admin console. */
#include <string.h>
#include <crypt.h>
#include <stdio.h>

#include "auth.h"

static const char *stored_hash_for(const char *user)
{
    /* Looked up from the shadow-style database loaded at start-up. */
    return user_db_lookup(user);
}

int auth_check_password(const char *user, const char *password)
{
    const char *hash = stored_hash_for(user);
    if (hash == NULL)
        return AUTH_DENIED;
    const char *computed = crypt(password, hash);
    if (computed == NULL)
        return AUTH_DENIED;
    if (strcmp(computed, hash) != 0) {
        log_event("auth failure for user %s", user);
        return AUTH_DENIED;
    }
    return AUTH_OK;
}

int session_open(const char *user, const char *password, struct session *out)
{
    int rc = auth_check_password(user, password);
    if (rc != AUTH_OK)
        return rc;
    return session_create(user, out);
}

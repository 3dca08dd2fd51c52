#ifndef TINYAUTH_AUTH_H
#define TINYAUTH_AUTH_H

#define AUTH_OK 0
#define AUTH_DENIED 1

struct session;

const char *user_db_lookup(const char *user);
void log_event(const char *fmt, ...);
int session_create(const char *user, struct session *out);
int auth_check_password(const char *user, const char *password);
int session_open(const char *user, const char *password, struct session *out);

#endif

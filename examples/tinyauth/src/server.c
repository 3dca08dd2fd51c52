/* tinyauth: a minimal admin console server. */
#include <stdio.h>
#include <string.h>

#include "auth.h"

struct session {
    char user[64];
};

static int handle_login(const char *user, const char *password)
{
    struct session s;
    if (session_open(user, password, &s) != AUTH_OK) {
        puts("denied");
        return 1;
    }
    printf("welcome %s\n", s.user);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s USER PASSWORD\n", argv[0]);
        return 2;
    }
    return handle_login(argv[1], argv[2]);
}

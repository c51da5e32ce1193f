/*
 * pause: the sandbox process of the local node's pods. It holds the pod's
 * namespaces open and does nothing else: it reaps any child handed to it
 * and exits when it is asked to stop.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { _exit(0); }

static void reap(int sig)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	struct sigaction stopping = {.sa_handler = stop};
	struct sigaction reaping = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};

	if (getpid() != 1)
		fprintf(stderr, "pause: not the pod's first process\n");
	sigaction(SIGINT, &stopping, NULL);
	sigaction(SIGTERM, &stopping, NULL);
	sigaction(SIGCHLD, &reaping, NULL);
	for (;;)
		pause();
}

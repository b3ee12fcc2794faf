#include "agent/acme/renewal_info.h"

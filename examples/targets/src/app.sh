#!/bin/sh
echo "the app says hi"

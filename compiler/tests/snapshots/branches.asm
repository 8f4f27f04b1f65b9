function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000428h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],1Fh
  002c  js        0000000000000156h
  0032  mov       qword ptr [rbp-8],1
  003d  mov       qword ptr [rbp-10h],2
  0048  mov       qword ptr [rbp-18h],3
  0053  mov       ebx,[rbp+10h]
  005a  mov       qword ptr [rbp-20h],4
  0065  cmp       ebx,4
  006c  jbe       0000000000000091h
  0072  cmp       ebx,7
  0079  ja        00000000000000F9h
  007f  cmp       ebx,5
  0086  jbe       00000000000000B0h
  008c  jmp       00000000000000C8h
  0091  cmp       ebx,2
  0098  ja        00000000000000E1h
  009e  cmp       ebx,1
  00a5  jbe       00000000000000F9h
  00ab  jmp       00000000000000B0h
  00b0  sub       qword ptr [r15+20h],2
  00b5  mov       r11,[rbp-20h]
  00bc  mov       [rbp-18h],r11
  00c3  jmp       0000000000000116h
  00c8  sub       qword ptr [r15+20h],2
  00cd  mov       r11,[rbp-20h]
  00d4  mov       [rbp+10h],r11
  00db  mov       rsp,rbp
  00de  pop       rbp
  00df  ret
  00e0  int3
  00e1  sub       qword ptr [r15+20h],2
  00e6  mov       r11,[rbp-20h]
  00ed  mov       [rbp-10h],r11
  00f4  jmp       0000000000000133h
  00f9  mov       ebx,[rbp-20h]
  0100  mov       esi,[rbp-18h]
  0107  add       esi,ebx
  010a  mov       [rbp-18h],rsi
  0111  sub       qword ptr [r15+20h],2
  0116  mov       ebx,[rbp-18h]
  011d  mov       esi,[rbp-10h]
  0124  add       esi,ebx
  0127  mov       [rbp-10h],rsi
  012e  sub       qword ptr [r15+20h],2
  0133  mov       ebx,[rbp-10h]
  013a  mov       esi,[rbp-8]
  0141  add       esi,ebx
  0144  sub       qword ptr [r15+20h],4
  0149  mov       [rbp+10h],rsi
  0150  mov       rsp,rbp
  0153  pop       rbp
  0154  ret
  0155  int3
  0156  mov       rdi,r15
  0159  mov       rsi,rsp
  015c  mov       rdx,r11
  015f  call      0000000000000164h
  0164  test      eax,eax
  0166  jne       00000000000003D3h
  016c  mov       r14,[r15]
  0173  jmp       0000000000000032h
function 1 (defined 1):
  0180  endbr64
  0184  push      rbp
  0185  mov       rbp,rsp
  0188  lea       rax,[rsp-20h]
  0190  cmp       rax,[r15+10h]
  0197  jb        0000000000000428h
  019d  sub       rsp,20h
  01a4  mov       ebx,[rbp+10h]
  01ab  sub       qword ptr [r15+20h],17h
  01b3  js        000000000000029Eh
  01b9  mov       rsi,rbx
  01bc  mov       qword ptr [rbp-8],7
  01c7  mov       qword ptr [rbp-10h],1
  01d2  cmp       esi,1
  01d9  jne       00000000000001F7h
  01df  sub       qword ptr [r15+20h],2
  01e4  mov       r11,[rbp-10h]
  01eb  mov       [rbp-8],r11
  01f2  jmp       0000000000000285h
  01f7  mov       rsi,rbx
  01fa  mov       qword ptr [rbp-10h],2
  0205  sub       qword ptr [r15+20h],6
  020a  cmp       esi,2
  0211  je        00000000000001DFh
  0217  mov       rsi,rbx
  021a  mov       qword ptr [rbp-10h],3
  0225  sub       qword ptr [r15+20h],6
  022a  cmp       esi,3
  0231  jne       0000000000000250h
  0237  sub       qword ptr [r15+20h],2
  023c  mov       r11,[rbp-10h]
  0243  mov       [rbp+10h],r11
  024a  mov       rsp,rbp
  024d  pop       rbp
  024e  ret
  024f  int3
  0250  mov       rsi,rbx
  0253  mov       qword ptr [rbp-10h],4
  025e  sub       qword ptr [r15+20h],6
  0263  cmp       esi,4
  026a  je        0000000000000237h
  0270  mov       qword ptr [rbp-10h],9
  027b  sub       qword ptr [r15+20h],3
  0280  jmp       00000000000001DFh
  0285  sub       qword ptr [r15+20h],3
  028a  mov       r11,[rbp-8]
  0291  mov       [rbp+10h],r11
  0298  mov       rsp,rbp
  029b  pop       rbp
  029c  ret
  029d  int3
  029e  mov       [rbp+10h],rbx
  02a5  mov       rdi,r15
  02a8  mov       rsi,rsp
  02ab  mov       rdx,r11
  02ae  call      00000000000002B3h
  02b3  test      eax,eax
  02b5  jne       00000000000003D3h
  02bb  mov       r14,[r15]
  02c2  mov       rbx,[rbp+10h]
  02c9  jmp       00000000000001B9h
